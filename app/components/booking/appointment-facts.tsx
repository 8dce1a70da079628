import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import type { AppointmentStatus, AppointmentView } from "~/booking/appointments.server";
import { formatAppointmentTime, formatDateTime } from "~/i18n/format";
import { appointmentPath, useBookingTexts } from "./texts";

/** An appointment's state in words (never a colour alone); a move under way names the time asked for. */
export function StatusText({ appointment: a }: { appointment: Pick<AppointmentView, "status" | "movingTo"> }) {
  const { t, lng } = useBookingTexts();
  return (
    <span className={`appointment-status appointment-status--${a.status}`}>
      {t(`status.${a.status}`, { date: a.movingTo ? formatAppointmentTime(a.movingTo.startsAt, lng) : "" })}
    </span>
  );
}

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** Statuses in which the appointment still stands (or will): its deadline for changes is worth telling. */
const STANDING: readonly AppointmentStatus[] = ["booked", "confirming", "moving"];

/** Once the deadline has passed (or the visit begun), "can be changed online until" a past date would mislead. */
const pastDeadline = (a: Pick<AppointmentView, "cancel" | "reschedule">) =>
  [a.cancel, a.reschedule].some((refusal) => refusal === "deadline_passed" || refusal === "started");

/**
 * What the citizen needs to know of an appointment: when (Swedish time), where and with whom, what kind of visit, how
 * to prepare, its state, and until when it can be changed online. `full` adds the preparation text.
 */
export function AppointmentFacts({ appointment: a, full = false }: { appointment: AppointmentView; full?: boolean }) {
  const { t, lng } = useBookingTexts();
  const address = [a.unit?.address, a.unit?.city].filter(Boolean).join(", ");
  return (
    <dl className="appointment-facts">
      <Fact term={t("appointment.when")}>
        <time dateTime={a.startsAt}>{formatAppointmentTime(a.startsAt, lng)}</time>
      </Fact>
      <Fact term={t("appointment.unit")}>
        {a.unit?.name ?? t("appointment.unitUnknown")}{" "}
        <span className="provider">({t(`record:provider.${a.unit?.providerKind ?? "unknown"}`)})</span>
      </Fact>
      {address ? <Fact term={t("appointment.address")}>{address}</Fact> : null}
      <Fact term={t("appointment.type")}>{a.typeName ?? t("appointment.untitled")}</Fact>
      {a.practitionerName ? <Fact term={t("appointment.practitioner")}>{a.practitionerName}</Fact> : null}
      <Fact term={t("appointment.status")}>
        <StatusText appointment={a} />
      </Fact>
      {a.changeableUntil && STANDING.includes(a.status) && !pastDeadline(a) ? (
        <Fact term={t("appointment.changeable")}>
          {t("appointment.changeableUntil", { date: formatDateTime(a.changeableUntil, lng) })}
        </Fact>
      ) : null}
      {full && a.preparation ? (
        <Fact term={t("appointment.preparation")}>
          <span className="preparation">{a.preparation}</span>
        </Fact>
      ) : null}
    </dl>
  );
}

/** The list page's appointments: each a heading linking to its own page, then its facts. */
export function AppointmentList({ appointments, empty }: { appointments: AppointmentView[]; empty: string }) {
  const { t, lng } = useBookingTexts();
  if (appointments.length === 0) return <p>{empty}</p>;
  return (
    <ul className="appointments">
      {appointments.map((a) => (
        <li key={a.id}>
          <article className="appointment">
            <h3>
              <Link to={appointmentPath(a.id)}>
                <time dateTime={a.startsAt}>{formatAppointmentTime(a.startsAt, lng)}</time>
                <span className="visually-hidden">, {a.typeName ?? t("appointment.untitled")}</span>
              </Link>
            </h3>
            <AppointmentFacts appointment={a} />
            {a.preparation && STANDING.includes(a.status) ? (
              <details className="preparation-fold">
                <summary>{t("appointment.preparation")}</summary>
                <p className="preparation">{a.preparation}</p>
              </details>
            ) : null}
          </article>
        </li>
      ))}
    </ul>
  );
}
