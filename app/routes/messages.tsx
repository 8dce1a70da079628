import type { LinksFunction } from "@remix-run/node";
import { isRouteErrorResponse, Link, Outlet, useRouteError } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import messagesStyles from "~/components/messages/messages.css";
import { ErrorPage } from "~/components/error-page";
import { PageTitle } from "~/components/page-title";

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
  const error = useRouteError();
  const { t } = useTranslation("messages");
  if (isRouteErrorResponse(error) && error.status === 404) {
    return (
      <div className="page narrow">
        <PageTitle>{t("common:errors.notFoundTitle")}</PageTitle>
        <p>{t("common:errors.notFoundText")}</p>
        <ul className="inline-list">
          <li>
            <Link to="/messages">{t("conversation.backToInbox")}</Link>
          </li>
        </ul>
      </div>
    );
  }
  return <ErrorPage status={isRouteErrorResponse(error) ? error.status : 500} />;
}
