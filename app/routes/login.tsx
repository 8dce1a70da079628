import type { LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PageTitle } from "~/components/page-title";
import { config } from "~/config.server";
import { currentSession } from "~/identity/access.server";
import { safeRedirect } from "~/utils/redirect";

export const handle = { i18n: "account" };

const loginErrors = ["cancelled", "expired", "provider_error", "unavailable"] as const;
type LoginError = (typeof loginErrors)[number];

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const returnTo = safeRedirect(url.searchParams.get("returnTo"), "/");
  const error = url.searchParams.get("error");
  const session = await currentSession(request);
  return data({
    returnTo,
    error: (loginErrors as readonly string[]).includes(error ?? "") ? (error as LoginError) : null,
    loggedIn: session !== null,
    developmentIdentityProvider: !config().OIDC_ISSUER,
  });
}

export default function Login() {
  const { returnTo, error, loggedIn, developmentIdentityProvider } = useLoaderData<typeof loader>();
  const { t } = useTranslation("account");
  return (
    <div className="page narrow">
      <PageTitle>{t("login.title")}</PageTitle>
      {error ? (
        <div className="alert" role="alert">
          <p>{t(`login.errors.${error}`)}</p>
        </div>
      ) : null}
      {loggedIn ? (
        <>
          <p>{t("login.alreadyLoggedIn")}</p>
          <p>
            <Link to={returnTo} className="button button--primary">
              {t("login.continue")}
            </Link>
          </p>
        </>
      ) : (
        <>
          <p className="lead">{t("login.intro")}</p>
          {developmentIdentityProvider ? <p className="notice">{t("login.devNotice")}</p> : null}
          <p>
            {/* A link, not a form: the redirect to the identity provider must not be a form submission (CSP form-action). */}
            <Link to={`/login/start?returnTo=${encodeURIComponent(returnTo)}`} reloadDocument className="button button--primary">
              {t("login.action")}
            </Link>
          </p>
        </>
      )}
    </div>
  );
}
