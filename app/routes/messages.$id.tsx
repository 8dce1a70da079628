import type { LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ConversationMessages, ConversationUnit } from "~/components/messages/conversation";
import { PageTitle } from "~/components/page-title";
import { readConversationPage } from "~/messages/pages.server";
import { useSubjectTexts } from "~/identity/subject";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return data(await readConversationPage(request, params.id));
}

/** One conversation: its clinic, every message in order (opening it marks the care team's messages read). */
export default function ConversationPage() {
  const { conversation } = useLoaderData<typeof loader>();
  const { t } = useTranslation("messages");
  const { title } = useSubjectTexts();
  return (
    <>
      <PageTitle>{title(conversation.topic ?? t("conversation.untitled"))}</PageTitle>
      <ConversationUnit conversation={conversation} />
      <ConversationMessages conversation={conversation} />
      {/* the reply form (write side) */}
      <p>
        <Link to="/messages">{t("conversation.backToInbox")}</Link>
      </p>
    </>
  );
}
