import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ContactSettingsForm } from "~/components/notifications/contact-settings-form";
import { PageTitle } from "~/components/page-title";
import { formatDateTime } from "~/i18n/format";
import { readContactSettingsPage, saveContactSettingsPage } from "~/notifications/pages.server";

export async function loader({ request }: LoaderFunctionArgs) {
  return data(await readContactSettingsPage(request));
}

export async function action({ request }: ActionFunctionArgs) {
  return saveContactSettingsPage(request);
}

/** The person's own contact settings for notifications. */
export default function ContactSettings() {
  const page = useLoaderData<typeof loader>();
  const posted = useActionData<typeof action>();
  const { t, i18n } = useTranslation("notifications");
  const errors = Object.fromEntries(Object.entries(posted?.errors ?? {}).map(([field, key]) => [field, { key }]));
  return (
    <div className="page">
      <PageTitle>{t("settings.title")}</PageTitle>
      <p className="lead">{t("settings.intro")}</p>
      <p>{t("settings.ownSettings")}</p>
      {page.saved && !posted ? (
        <p className="notice" role="status">
          {t("settings.saved")}
        </p>
      ) : null}
      {posted ? (
        <p className="notice" role="alert">
          {t("settings.errorSummary")}
        </p>
      ) : null}
      <ContactSettingsForm values={posted?.values ?? page.values} errors={errors} offered={page.offered} />
      {page.updatedAt ? <p className="muted">{t("settings.updatedAt", { when: formatDateTime(page.updatedAt, i18n.language) })}</p> : null}
    </div>
  );
}
