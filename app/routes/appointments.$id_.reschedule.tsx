import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { NotChangeable } from "~/components/booking/appointment-actions";
import { MoveButton, OtherTimes, WeekOfTimes, type TimeChoice } from "~/components/booking/free-times";
import { appointmentPath } from "~/components/booking/texts";
import { FieldMessage } from "~/components/field-error";
import { PageTitle } from "~/components/page-title";
import { moveAppointment, readReschedulePage } from "~/booking/pages.server";
import { formatAppointmentTime } from "~/i18n/format";
import { useSubjectTexts } from "~/identity/subject";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return data(await readReschedulePage(request, params.id));
}

export async function action({ request, params }: ActionFunctionArgs) {
  return moveAppointment(request, params.id);
}

/** Moving an appointment: a week of free times of its type, each a button; an error by the time, with other times. */
export default function Reschedule() {
  const { appointment, week } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const { t, i18n } = useTranslation("booking");
  const { title } = useSubjectTexts();
  const path = appointmentPath(appointment.id);
  const errorId = "move-error";
  const choose: TimeChoice = (time, label) => <MoveButton time={time} label={label} errorId={failed?.slotId === time.slotId ? errorId : undefined} />;
  return (
    <>
      <PageTitle>{title(t("reschedule.title"))}</PageTitle>
      <p className="lead">
        {appointment.typeName ?? t("appointment.untitled")} · {appointment.unit?.name ?? t("appointment.unitUnknown")}
      </p>
      <p>{t("reschedule.current", { date: formatAppointmentTime(appointment.startsAt, i18n.language) })}</p>
      {failed ? (
        <div className="alert" role="alert">
          <FieldMessage id={errorId} error={failed.error} />
        </div>
      ) : null}
      {failed && failed.otherTimes.length > 0 ? <OtherTimes times={failed.otherTimes} title={t("book.otherTimes")} choose={choose} /> : null}
      {week ? (
        <>
          <p>{t("reschedule.intro")}</p>
          <WeekOfTimes week={week} path={`${path}/reschedule`} choose={choose} />
        </>
      ) : appointment.reschedule === "not_active" ? (
        <p className="notice">{t("errors.not_changeable")}</p>
      ) : (
        <NotChangeable appointment={appointment} />
      )}
      <p>
        <Link to={path}>{t("nav.backToAppointment")}</Link>
      </p>
    </>
  );
}
