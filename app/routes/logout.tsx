import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PageTitle } from "~/components/page-title";
import { currentSession } from "~/identity/access.server";
import { logoutHeaders } from "~/identity/logout.server";
import { endSession } from "~/identity/session.server";
import { database } from "~/identity/database.server";

export const handle = { i18n: "account" };

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await currentSession(request);
  return data({ loggedIn: session !== null });
}

/** Ends the session on the server, removes the cookie and tells the browser to drop what it kept of the portal. */
export async function action({ request }: ActionFunctionArgs) {
  const session = await currentSession(request);
  if (session) await endSession(database(), session.personId, session.sessionId);
  return redirect("/logout", { status: 303, headers: logoutHeaders() });
}

export default function Logout() {
  const { loggedIn } = useLoaderData<typeof loader>();
  const { t } = useTranslation("account");
  if (loggedIn) {
    return (
      <div className="page narrow">
        <PageTitle>{t("logout.confirmTitle")}</PageTitle>
        <p>{t("logout.confirmText")}</p>
        <Form method="post">
          <button type="submit" className="button button--primary">
            {t("logout.action")}
          </button>
        </Form>
      </div>
    );
  }
  return (
    <div className="page narrow">
      <PageTitle>{t("logout.title")}</PageTitle>
      <p className="lead">{t("logout.text")}</p>
      <p>
        <Link to="/login">{t("logout.loginAgain")}</Link>
      </p>
    </div>
  );
}
