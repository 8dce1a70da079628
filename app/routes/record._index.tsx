import type { LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PageTitle } from "~/components/page-title";
import { ServerHtml } from "~/components/server-html";
import { loadOverviewPage } from "~/record/pages.server";

export async function loader({ request }: LoaderFunctionArgs) {
  return data(await loadOverviewPage(request));
}

/**
 * The page after login: what is coming up, what is new, what matters now, and the way into every section (as
 * server-built markup, see app/record/markup/overview.server).
 */
export default function RecordOverview() {
  const { body } = useLoaderData<typeof loader>();
  const { t } = useTranslation("record");
  return (
    <div className="record-overview">
      <PageTitle>{t("overview.title")}</PageTitle>
      <p className="lead">{t("overview.intro")}</p>
      <ServerHtml markup={body} />
    </div>
  );
}
