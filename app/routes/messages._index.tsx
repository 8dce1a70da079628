import type { LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { InboxList, InboxPager } from "~/components/messages/inbox-list";
import { PageTitle } from "~/components/page-title";
import { readInboxPage } from "~/messages/pages.server";
import { useSubjectTexts } from "~/identity/subject";

export async function loader({ request }: LoaderFunctionArgs) {
  return data(await readInboxPage(request));
}

/** The inbox: the subject's conversations, newest first, and the way to write a new message. */
export default function Inbox() {
  const { conversations, page, pageCount } = useLoaderData<typeof loader>();
  const { t } = useTranslation("messages");
  const { title, context } = useSubjectTexts();
  return (
    <>
      <PageTitle>{title(t("title"))}</PageTitle>
      <p className="lead">{t("inbox.intro", context)}</p>
      <p>
        <Link className="button button--primary" to="/messages/new">
          {t("inbox.write")}
        </Link>
      </p>
      <section aria-labelledby="inbox-title">
        <h2 id="inbox-title">{t("inbox.title")}</h2>
        <InboxList conversations={conversations} />
        <InboxPager page={page} pageCount={pageCount} />
      </section>
    </>
  );
}
