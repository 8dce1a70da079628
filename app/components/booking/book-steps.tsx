import { Form, Link } from "@remix-run/react";
import { useId } from "react";
import type { BookableType, BookingUnit, FreeTime } from "~/booking/booking.server";
import { fieldAria, FieldMessage } from "~/components/field-error";
import { formatAppointmentTime } from "~/i18n/format";
import { useSubjectTexts } from "~/identity/subject";
import type { FieldError } from "~/utils/query-fields";
import { bookLink, OtherTimes } from "./free-times";
import { useBookingTexts } from "./texts";

function UnitLinks({ units }: { units: BookingUnit[] }) {
  const { t } = useBookingTexts();
  return (
    <ul className="choice-links">
      {units.map((u) => (
        <li key={u.id}>
          <Link to={`/appointments/book/${encodeURIComponent(u.id)}`}>{u.name}</Link>
          <span className="muted">
            {" "}
            · {t(`record:provider.${u.providerKind}`)}
            {u.address || u.city ? ` · ${[u.address, u.city].filter(Boolean).join(", ")}` : null}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** The first step: the units whose care the subject is in, then those open to everyone. */
export function UnitChoice({ inCare, open }: { inCare: BookingUnit[]; open: BookingUnit[] }) {
  const { t } = useBookingTexts();
  const { context } = useSubjectTexts();
  if (inCare.length === 0 && open.length === 0) return <p className="notice">{t("book.noUnits")}</p>;
  return (
    <>
      {inCare.length > 0 ? (
        <section aria-labelledby="units-in-care">
          <h2 id="units-in-care">{t("book.inCare", context)}</h2>
          <UnitLinks units={inCare} />
        </section>
      ) : null}
      {open.length > 0 ? (
        <section aria-labelledby="units-open">
          <h2 id="units-open">{t("book.open")}</h2>
          <UnitLinks units={open} />
        </section>
      ) : null}
    </>
  );
}

/** The second step: the kinds of visit bookable at the unit, each with how to prepare. */
export function TypeChoice({ unitId, types }: { unitId: string; types: Omit<BookableType, "unit">[] }) {
  return (
    <ul className="choice-links">
      {types.map((type) => (
        <li key={type.id}>
          <Link to={`/appointments/book/${encodeURIComponent(unitId)}/${encodeURIComponent(type.id)}`}>{type.name}</Link>
          {type.preparation ? <p className="preparation muted">{type.preparation}</p> : null}
        </li>
      ))}
    </ul>
  );
}

export interface ConfirmPageData {
  slotId: string | null;
  subject: string;
  chosen: { time: FreeTime; type: BookableType } | null;
  error: FieldError | null;
}

/**
 * The last step: what will be booked, the optional reason, and the button. An error about the time is told by the
 * time (and describes the button), with other free times of the type when there are any; a field's by its field.
 */
export function ConfirmBooking({
  page,
  errors,
  otherTimes,
  reason,
}: {
  page: ConfirmPageData;
  errors: Partial<Record<string, FieldError>>;
  otherTimes: FreeTime[] | null;
  reason?: string;
}) {
  const { t, lng } = useBookingTexts();
  const id = useId();
  const timeError = errors.slot ?? errors.form ?? errors.subject ?? page.error ?? undefined;
  const { chosen } = page;
  return (
    <>
      {timeError ? (
        <div className="alert" role="alert">
          <FieldMessage id={`${id}-time-error`} error={timeError} />
        </div>
      ) : null}
      {chosen ? (
        <>
          <dl className="appointment-facts">
            <div>
              <dt>{t("appointment.when")}</dt>
              <dd>
                <time dateTime={chosen.time.startsAt}>{formatAppointmentTime(chosen.time.startsAt, lng)}</time>
              </dd>
            </div>
            <div>
              <dt>{t("appointment.type")}</dt>
              <dd>{chosen.type.name}</dd>
            </div>
            <div>
              <dt>{t("appointment.unit")}</dt>
              <dd>
                {chosen.type.unit.name} <span className="provider">({t(`record:provider.${chosen.type.unit.providerKind}`)})</span>
              </dd>
            </div>
            {chosen.type.unit.address || chosen.type.unit.city ? (
              <div>
                <dt>{t("appointment.address")}</dt>
                <dd>{[chosen.type.unit.address, chosen.type.unit.city].filter(Boolean).join(", ")}</dd>
              </div>
            ) : null}
            {chosen.time.practitionerName ? (
              <div>
                <dt>{t("appointment.practitioner")}</dt>
                <dd>{chosen.time.practitionerName}</dd>
              </div>
            ) : null}
            {chosen.type.preparation ? (
              <div>
                <dt>{t("appointment.preparation")}</dt>
                <dd className="preparation">{chosen.type.preparation}</dd>
              </div>
            ) : null}
          </dl>
          <p>{chosen.type.deadlineHours !== null ? t("book.deadline", { hours: chosen.type.deadlineHours }) : t("book.noDeadline")}</p>
          <Form method="post">
            <input type="hidden" name="slot" value={chosen.time.slotId} />
            <input type="hidden" name="type" value={chosen.type.id} />
            <input type="hidden" name="subject" value={page.subject} />
            <div className="field">
              <label htmlFor={`${id}-reason`}>{t("book.reason")}</label>
              <p className="hint" id={`${id}-hint`}>
                {t("book.reasonHint")}
              </p>
              <textarea id={`${id}-reason`} name="reason" rows={4} maxLength={500} defaultValue={reason} {...fieldAria(errors.reason, `${id}-reason-error`, `${id}-hint`)} />
              <FieldMessage id={`${id}-reason-error`} error={errors.reason} />
            </div>
            <button type="submit" className="button button--primary" aria-describedby={timeError ? `${id}-time-error` : undefined}>
              {t("book.submit")}
            </button>
          </Form>
        </>
      ) : null}
      {otherTimes && otherTimes.length > 0 ? <OtherTimes times={otherTimes} title={t("book.otherTimes")} choose={bookLink} /> : null}
      <p>
        <Link to="/appointments/book">{chosen ? t("nav.backToUnits") : t("errors.backToBooking")}</Link>
      </p>
    </>
  );
}
