import { Form, Link } from "@remix-run/react";
import { useId } from "react";
import type { AppointmentView } from "~/booking/appointments.server";
import type { FreeTime } from "~/booking/booking.server";
import { fieldAria, FieldMessage } from "~/components/field-error";
import type { FieldError } from "~/utils/query-fields";
import { bookLink, OtherTimes } from "./free-times";
import { appointmentPath, useBookingTexts } from "./texts";

const TOLD: readonly string[] = ["deadline_passed", "started", "no_deadline", "not_allowed"];

/** Why the appointment cannot be changed online, in plain words, with the unit's phone number to call. */
export function NotChangeable({ appointment: a }: { appointment: AppointmentView }) {
  const { t } = useBookingTexts();
  const cancel = a.cancel !== null && TOLD.includes(a.cancel) ? a.cancel : null;
  const reschedule = a.reschedule !== null && TOLD.includes(a.reschedule) ? a.reschedule : null;
  if (!cancel && !reschedule) return null;
  const text = cancel && reschedule ? t(`notChangeable.${cancel}`) : cancel ? t("notChangeable.onlyMove") : t("notChangeable.onlyCancel");
  const phone = a.unit?.phone;
  return (
    <div className="notice">
      <p>{text}</p>
      <p>
        {phone ? (
          <>
            {t("notChangeable.call", { unit: a.unit?.name ?? t("appointment.unitUnknown") })}{" "}
            <a href={`tel:${phone.replace(/[^\d+]/g, "")}`}>{phone}</a>
          </>
        ) : (
          t("notChangeable.callUnknown")
        )}
      </p>
    </div>
  );
}

/** While the clinical system has not answered: say so, and offer a plain link to look again (no automatic refresh). */
export function Waiting({ appointment: a }: { appointment: AppointmentView }) {
  const { t } = useBookingTexts();
  if (a.status !== "confirming" && a.status !== "moving" && a.status !== "cancelling") return null;
  return (
    <div className="notice" role="status">
      <p>{t("waiting.text")}</p>
      <p>
        <Link to={appointmentPath(a.id)}>{t("waiting.refresh")}</Link>
      </p>
    </div>
  );
}

/** A booking the clinical system refused: why, and the next free times of the same type. */
export function NotBooked({ appointment: a, otherTimes }: { appointment: AppointmentView; otherTimes: FreeTime[] }) {
  const { t } = useBookingTexts();
  if (a.status !== "not_booked") return null;
  return (
    <>
      <div className="alert">
        <h2>{t("notBooked.title")}</h2>
        <p>{t(`refusal.${a.refusal ?? "refused"}`)}</p>
      </div>
      {a.appointmentTypeId ? <OtherTimes times={otherTimes} title={t("notBooked.otherTimes")} choose={bookLink} /> : null}
    </>
  );
}

/** The citizen's latest move or cancellation was refused: the appointment stands as before. */
export function ChangeRefused({ appointment: a }: { appointment: AppointmentView }) {
  const { t } = useBookingTexts();
  return a.changeRefused ? (
    <p className="alert" role="status">
      {t(`changeRefused.${a.changeRefused}`)}
    </p>
  ) : null;
}

/** Cancel (intent "cancel") with an optional reason; errors by their field, the form's own above the button. */
export function CancelForm({ errors, reason }: { errors: Partial<Record<string, FieldError>>; reason?: string }) {
  const { t } = useBookingTexts();
  const id = useId();
  return (
    <section className="cancel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t("cancel.title")}</h2>
      <Form method="post">
        <input type="hidden" name="intent" value="cancel" />
        <div className="field">
          <label htmlFor={`${id}-reason`}>{t("cancel.reason")}</label>
          <p className="hint" id={`${id}-hint`}>
            {t("cancel.reasonHint")}
          </p>
          <textarea id={`${id}-reason`} name="reason" rows={3} maxLength={500} defaultValue={reason} {...fieldAria(errors.reason, `${id}-reason-error`, `${id}-hint`)} />
          <FieldMessage id={`${id}-reason-error`} error={errors.reason} />
        </div>
        <FieldMessage id={`${id}-form-error`} error={errors.form ?? errors.intent} />
        <button type="submit" className="button" aria-describedby={errors.form || errors.intent ? `${id}-form-error` : undefined}>
          {t("cancel.submit")}
        </button>
      </Form>
    </section>
  );
}

/** What can be done with the appointment: reschedule, the calendar file, cancel, or why not. */
export function AppointmentActions({ appointment: a, errors }: { appointment: AppointmentView; errors: Partial<Record<string, FieldError>> }) {
  const { t } = useBookingTexts();
  const path = appointmentPath(a.id);
  const calendar = a.status === "booked" || a.status === "moving";
  return (
    <>
      <NotChangeable appointment={a} />
      {a.reschedule === null || calendar ? (
        <ul className="inline-list actions">
          {a.reschedule === null ? (
            <li>
              <Link className="button" to={`${path}/reschedule`}>
                {t("reschedule.link")}
              </Link>
            </li>
          ) : null}
          {calendar ? (
            <li>
              <a href={`${path}/calendar.ics`} download>
                {t("appointment.calendar")}
              </a>
            </li>
          ) : null}
        </ul>
      ) : null}
      {a.cancel === null ? <CancelForm errors={errors} /> : null}
    </>
  );
}
