import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PageTitle } from "~/components/page-title";
import { currentSession } from "~/identity/access.server";

export const handle = { i18n: "home" };

/** The person's own start, once logged in: the overview of the subject on screen (appointments, messages, record). */
const PERSONAL_START = "/record";

export async function loader({ request }: LoaderFunctionArgs) {
  if (await currentSession(request)) throw redirect(PERSONAL_START);
  return null;
}

export default function StartPage() {
  const { t } = useTranslation("home");
  return (
    <div className="page">
      <PageTitle>{t("title")}</PageTitle>
      <p className="lead">{t("intro")}</p>
      <div className="columns">
        <section aria-labelledby="what-title">
          <h2 id="what-title">{t("whatTitle")}</h2>
          <ul>
            <li>{t("what.record")}</li>
            <li>{t("what.messages")}</li>
            <li>{t("what.booking")}</li>
            <li>{t("what.children")}</li>
          </ul>
        </section>
        <section aria-labelledby="login-title" className="card">
          <h2 id="login-title">{t("loginTitle")}</h2>
          <p>{t("loginText")}</p>
          <Link to="/login" className="button button--primary">
            {t("loginAction")}
          </Link>
        </section>
      </div>
      <section aria-labelledby="safety-title">
        <h2 id="safety-title">{t("safetyTitle")}</h2>
        <p>{t("safetyText")}</p>
      </section>
    </div>
  );
}
