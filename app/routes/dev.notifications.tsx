import { data } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PageTitle } from "~/components/page-title";
import { TableRegion } from "~/components/table-region";
import { formatDateTime } from "~/i18n/format";
import { readDevelopmentNotificationsPage } from "~/notifications/pages.server";

export async function loader() {
  return data(await readDevelopmentNotificationsPage());
}

/** Development only: the notifications that would have been sent. */
export default function DevelopmentNotifications() {
  const { sent } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation("notifications");
  return (
    <div className="page">
      <PageTitle>{t("dev.title")}</PageTitle>
      <p className="lead">{t("dev.intro")}</p>
      {sent.length === 0 ? (
        <p>{t("dev.none")}</p>
      ) : (
        <TableRegion captionId="dev-notifications-caption">
          <table>
            <caption id="dev-notifications-caption" className="visually-hidden">
              {t("dev.caption")}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t("dev.when")}</th>
                <th scope="col">{t("dev.channel")}</th>
                <th scope="col">{t("dev.address")}</th>
                <th scope="col">{t("dev.text")}</th>
              </tr>
            </thead>
            <tbody>
              {sent.map((n) => (
                <tr key={n.id}>
                  <td>{formatDateTime(n.at, i18n.language)}</td>
                  <td>{t(n.channel === "email" ? "dev.email" : "dev.sms")}</td>
                  <td>{n.to}</td>
                  <td>{n.text}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
    </div>
  );
}
