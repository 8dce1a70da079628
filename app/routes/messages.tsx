import type { LinksFunction } from "@remix-run/node";
import { Outlet } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import messagesStyles from "~/components/messages/messages.css";
import { AreaErrorBoundary } from "~/components/error-page";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: messagesStyles }];

export const handle = { i18n: ["messages", "record"] };

/** The messages pages' frame (the site header says whose messages they are). */
export default function MessagesLayout() {
  return (
    <div className="page narrow">
      <Outlet />
    </div>
  );
}

/** A 404 here: no such conversation for the subject on screen (or not theirs to read): one answer. */
export function ErrorBoundary() {
  const { t } = useTranslation("messages");
  return <AreaErrorBoundary ways={[{ to: "/messages", label: t("conversation.backToInbox") }]} />;
}
