import type { LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { AppointmentList } from "~/components/booking/appointment-facts";
import { PageTitle } from "~/components/page-title";
import { readAppointmentsPage } from "~/booking/pages.server";
import { useSubjectTexts } from "~/identity/subject";

export async function loader({ request }: LoaderFunctionArgs) {
  return data(await readAppointmentsPage(request));
}

/** The subject's appointments: those to come, then those of the last two years, and the way to book a time. */
export default function Appointments() {
  const { upcoming, past } = useLoaderData<typeof loader>();
  const { t } = useTranslation("booking");
  const { title, context } = useSubjectTexts();
  return (
    <>
      <PageTitle>{title(t("list.title"))}</PageTitle>
      <p className="lead">{t("list.intro")}</p>
      <p>
        <Link className="button button--primary" to="/appointments/book">
          {t("nav.book")}
        </Link>
      </p>
      <section aria-labelledby="upcoming-title">
        <h2 id="upcoming-title">{t("list.upcoming")}</h2>
        <AppointmentList appointments={upcoming} empty={t("list.noUpcoming", context)} />
      </section>
      <section aria-labelledby="past-title">
        <h2 id="past-title">{t("list.past")}</h2>
        <AppointmentList appointments={past} empty={t("list.noPast")} />
      </section>
    </>
  );
}
