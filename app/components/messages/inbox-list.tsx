import { Link } from "@remix-run/react";
import type { ConversationSummary } from "~/messages/conversations.server";
import { formatDateTime } from "~/i18n/format";
import { useSubjectTexts } from "~/identity/subject";
import { conversationPath, useMessagesTexts } from "./texts";

/** The inbox: each conversation a link by its topic, with its clinic and provider, its latest time and "Unread" in words. */
export function InboxList({ conversations }: { conversations: ConversationSummary[] }) {
  const { t, lng } = useMessagesTexts();
  const { context } = useSubjectTexts();
  if (conversations.length === 0) return <p>{t("inbox.empty", context)}</p>;
  return (
    <ul className="inbox">
      {conversations.map((c) => (
        <li key={c.id} className={c.unread ? "inbox__item inbox__item--unread" : "inbox__item"}>
          <h3>
            <Link to={conversationPath(c.id)}>
              {c.unread ? <span className="unread-mark">{t("inbox.unread")}: </span> : null}
              {c.topic ?? t("conversation.untitled")}
            </Link>
          </h3>
          <p className="muted">
            {c.unit.name ?? t("author.unitUnknown")} · {t(`record:provider.${c.unit.providerKind}`)}
            {c.lastMessageAt ? (
              <>
                {" · "}
                {t("inbox.lastMessage")}{" "}
                <time dateTime={c.lastMessageAt}>{formatDateTime(c.lastMessageAt, lng)}</time>
              </>
            ) : null}
          </p>
        </li>
      ))}
    </ul>
  );
}

/** Previous and next page of the inbox; nothing when everything fits on one page. */
export function InboxPager({ page, pageCount }: { page: number; pageCount: number }) {
  const { t } = useMessagesTexts();
  if (pageCount <= 1) return null;
  const to = (p: number) => (p > 1 ? `/messages?page=${p}` : "/messages");
  return (
    <nav className="pager" aria-label={t("pager.label")}>
      <ul className="inline-list">
        {page > 1 ? (
          <li>
            <Link to={to(page - 1)} rel="prev">
              {t("pager.previous")}
            </Link>
          </li>
        ) : null}
        <li aria-current="page">{t("pager.page", { page, pages: pageCount })}</li>
        {page < pageCount ? (
          <li>
            <Link to={to(page + 1)} rel="next">
              {t("pager.next")}
            </Link>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}
