import type { LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PageTitle } from "~/components/page-title";
import { isRefusalReason } from "~/identity/admission.server";

export const handle = { i18n: "account" };

export function loader({ request }: LoaderFunctionArgs) {
  const reason = new URL(request.url).searchParams.get("reason");
  if (!isRefusalReason(reason)) throw new Response(null, { status: 404 });
  return data({ reason });
}

export default function LoginRefused() {
  const { reason } = useLoaderData<typeof loader>();
  const { t } = useTranslation("account");
  return (
    <div className="page narrow">
      <PageTitle>{t("refused.title")}</PageTitle>
      <p className="lead" data-testid="refusal-reason">
        {t(`refused.reasons.${reason}`)}
      </p>
      <p>{t("refused.logged")}</p>
      <p>{t("refused.help")}</p>
      <ul className="inline-list">
        {reason === "under_13" || reason === "deceased" ? null : (
          <li>
            <Link to="/login">{t("refused.tryAgain")}</Link>
          </li>
        )}
        <li>
          <Link to="/">{t("refused.home")}</Link>
        </li>
      </ul>
    </div>
  );
}
