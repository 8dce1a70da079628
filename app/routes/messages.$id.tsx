import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ConversationMessages, ConversationUnit } from "~/components/messages/conversation";
import { ReplyForm } from "~/components/messages/reply-form";
import { PageTitle } from "~/components/page-title";
import { readConversationPage } from "~/messages/pages.server";
import { conversationAction } from "~/messages/writing-pages.server";
import { useSubjectTexts } from "~/identity/subject";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return data(await readConversationPage(request, params.id));
}

export async function action({ request, params }: ActionFunctionArgs) {
  return conversationAction(request, params.id);
}

/** One conversation: its clinic, every message in order (opening it marks the care team's messages read), the reply. */
export default function ConversationPage() {
  const { conversation, reply } = useLoaderData<typeof loader>();
  const refusal = useActionData<typeof action>();
  const { t } = useTranslation("messages");
  const { title } = useSubjectTexts();
  return (
    <>
      <PageTitle>{title(conversation.topic ?? t("conversation.untitled"))}</PageTitle>
      <ConversationUnit conversation={conversation} />
      <ConversationMessages conversation={conversation} subject={reply.subject} />
      {conversation.canReply ? <ReplyForm state={reply} refusal={refusal ?? null} /> : null}
      <p>
        <Link to="/messages">{t("conversation.backToInbox")}</Link>
      </p>
    </>
  );
}
