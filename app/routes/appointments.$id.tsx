import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { AppointmentFacts } from "~/components/booking/appointment-facts";
import { EarlierTime } from "~/components/booking/earlier-time";
import { AppointmentActions, ChangeRefused, NotBooked, Waiting } from "~/components/booking/appointment-actions";
import { PageTitle } from "~/components/page-title";
import { appointmentAction, readAppointmentPage } from "~/booking/pages.server";
import { useSubjectTexts } from "~/identity/subject";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return data(await readAppointmentPage(request, params.id));
}

export async function action({ request, params }: ActionFunctionArgs) {
  return appointmentAction(request, params.id);
}

/** One appointment: everything about it, and what can be done with it (or why not, and whom to call). */
export default function AppointmentPage() {
  const { appointment, otherTimes, earlier } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation("booking");
  const { title } = useSubjectTexts();
  return (
    <>
      <PageTitle>{title(appointment.typeName ?? t("appointment.title"))}</PageTitle>
      <Waiting appointment={appointment} />
      <ChangeRefused appointment={appointment} />
      <AppointmentFacts appointment={appointment} full />
      <NotBooked appointment={appointment} otherTimes={otherTimes} />
      <AppointmentActions appointment={appointment} errors={actionData?.errors ?? {}} />
      <EarlierTime appointment={appointment} earlier={earlier} />
      <p>
        <Link to="/appointments">{t("nav.backToList")}</Link>
      </p>
    </>
  );
}
