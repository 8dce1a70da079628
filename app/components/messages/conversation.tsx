import type { Conversation } from "~/messages/conversations.server";
import { formatNumber } from "~/i18n/format";
import { Message } from "./message";
import { useMessagesTexts } from "./texts";

type Shown = Omit<Conversation, "unreadIds">;

/** The conversation's clinic: its name and provider, the answer time it states (if any), and its phone. */
export function ConversationUnit({ conversation: c }: { conversation: Shown }) {
  const { t, lng } = useMessagesTexts();
  const days = c.unit.answerWorkingDays;
  return (
    <div className="conversation-unit">
      <dl className="conversation-facts">
        <div>
          <dt>{t("conversation.unit")}</dt>
          <dd>
            {c.unit.name ?? t("author.unitUnknown")} <span className="provider">({t(`record:provider.${c.unit.providerKind}`)})</span>
          </dd>
        </div>
        {c.unit.phone ? (
          <div>
            <dt>{t("conversation.phone")}</dt>
            <dd>
              <a href={`tel:${c.unit.phone.replace(/[^\d+]/g, "")}`}>{c.unit.phone}</a>
            </dd>
          </div>
        ) : null}
      </dl>
      {days !== null && days > 0 ? <p>{t("conversation.answerTime", { count: days, n: formatNumber(days, lng) })}</p> : null}
    </div>
  );
}

/** Every message of the conversation in order, and a notice when it cannot be answered. */
export function ConversationMessages({ conversation: c, subject }: { conversation: Shown; subject?: string }) {
  const { t } = useMessagesTexts();
  return (
    <section aria-labelledby="conversation-messages" className="conversation">
      <h2 id="conversation-messages" className="visually-hidden">
        {t("conversation.messages")}
      </h2>
      <ol className="messages-list">
        {c.messages.map((m) => (
          <li key={m.ref}>
            <Message message={m} subject={subject} />
          </li>
        ))}
      </ol>
      {c.canReply ? null : (
        <p className="notice" role="note">
          {t("conversation.cannotReply")}
        </p>
      )}
    </section>
  );
}
