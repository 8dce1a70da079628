import { Form } from "@remix-run/react";
import { useId } from "react";
import type { AppointmentView } from "~/booking/appointments.server";
import type { EarlierTimeOffer } from "~/booking/earlier-times.server";
import { formatAppointmentTime, formatDateTime } from "~/i18n/format";
import { useBookingTexts } from "./texts";

export interface EarlierTimeState {
  waiting: boolean;
  offer: EarlierTimeOffer | null;
}

/** A button of the appointment's form for an earlier time (intent = what it does). */
function IntentButton({ intent, label, primary = false }: { intent: string; label: string; primary?: boolean }) {
  return (
    <Form method="post">
      <input type="hidden" name="intent" value={intent} />
      <button type="submit" className={primary ? "button button--primary" : "button"}>
        {label}
      </button>
    </Form>
  );
}

/**
 * An earlier time: ask to be offered one (a booked appointment that can be moved), see that the wish waits in line,
 * and take or decline a time offered before it runs out.
 */
export function EarlierTime({ appointment: a, earlier }: { appointment: AppointmentView; earlier: EarlierTimeState | null }) {
  const { t, lng } = useBookingTexts();
  const id = useId();
  if (!earlier || a.reschedule !== null) return null;
  const { offer, waiting } = earlier;
  return (
    <section className="earlier-time" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t("earlier.title")}</h2>
      {offer ? (
        <>
          <p role="status">
            {t("earlier.offered", { time: formatAppointmentTime(offer.time.startsAt, lng), until: formatDateTime(offer.expiresAt, lng) })}
          </p>
          <div className="inline-list actions">
            <IntentButton intent="take-offer" label={t("earlier.take")} primary />
            <IntentButton intent="decline-offer" label={t("earlier.decline")} />
          </div>
        </>
      ) : waiting ? (
        <>
          <p>{t("earlier.waiting")}</p>
          <IntentButton intent="stop-earlier" label={t("earlier.stop")} />
        </>
      ) : (
        <>
          <p>{t("earlier.intro")}</p>
          <IntentButton intent="ask-earlier" label={t("earlier.ask")} />
        </>
      )}
    </section>
  );
}
