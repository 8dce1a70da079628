import { Form, Link } from "@remix-run/react";
import { useId, type ReactNode } from "react";
import type { FreeTime } from "~/booking/booking.server";
import { formatAppointmentTime, formatCalendarDate, formatTime, formatWeekday } from "~/i18n/format";
import { confirmPath, useBookingTexts } from "./texts";

/** A week of free times as the page shows it (app/booking/pages.server.ts). */
export interface WeekView {
  index: number;
  firstDay: string;
  lastDay: string;
  previous: number | null;
  next: number | null;
  days: { day: string; times: FreeTime[] }[];
}

/** How a time is offered: a link to the confirmation page, or a button that moves the appointment. */
export type TimeChoice = (time: FreeTime, label: "time" | "dateTime") => ReactNode;

/** A free time as a link to the confirmation page (the slot id is no personal data). */
export const bookLink: TimeChoice = (time, label) => <BookLink time={time} label={label} />;

function BookLink({ time, label }: { time: FreeTime; label: "time" | "dateTime" }) {
  const { t, lng } = useBookingTexts();
  return (
    <Link to={confirmPath(time.slotId)} aria-label={t("book.chooseTime", { time: formatAppointmentTime(time.startsAt, lng) })}>
      <TimeText time={time} label={label} />
    </Link>
  );
}

/** "14:05" (under its day) or the whole date and time, and with whom when known. */
function TimeText({ time, label }: { time: FreeTime; label: "time" | "dateTime" }) {
  const { t, lng } = useBookingTexts();
  return (
    <>
      <time dateTime={time.startsAt}>{label === "time" ? formatTime(time.startsAt, lng) : formatAppointmentTime(time.startsAt, lng)}</time>
      {time.practitionerName ? <span className="time-who"> {t("book.withPractitioner", { name: time.practitionerName })}</span> : null}
    </>
  );
}

/** A button that moves the appointment to this time (intent "move"); described by the error about it, if any. */
export function MoveButton({ time, label, errorId }: { time: FreeTime; label: "time" | "dateTime"; errorId?: string | undefined }) {
  const { t, lng } = useBookingTexts();
  return (
    <Form method="post" className="time-form">
      <input type="hidden" name="intent" value="move" />
      <input type="hidden" name="slot" value={time.slotId} />
      <button
        type="submit"
        className="button button--time"
        aria-label={t("reschedule.moveTo", { time: formatAppointmentTime(time.startsAt, lng) })}
        aria-describedby={errorId}
      >
        <TimeText time={time} label={label} />
      </button>
    </Form>
  );
}

/**
 * A week of free times: its dates as a heading, each day under its own heading (weekday and date in the page's
 * language), each time offered by `choose`; the weeks before and after as plain links (none beyond the weeks that
 * can be booked).
 */
export function WeekOfTimes({ week, path, choose }: { week: WeekView; path: string; choose: TimeChoice }) {
  const { t, lng } = useBookingTexts();
  const headingId = useId();
  return (
    <section className="week" aria-labelledby={headingId}>
      <h2 id={headingId}>{t("book.weekHeading", { from: formatCalendarDate(week.firstDay, lng), to: formatCalendarDate(week.lastDay, lng) })}</h2>
      <WeekPager week={week} path={path} label="book.weeks" />
      {week.days.length === 0 ? <p className="notice">{t("book.noTimes")}</p> : null}
      {week.days.map(({ day, times }) => (
        <section key={day} className="day" aria-labelledby={`${headingId}-${day}`}>
          <h3 id={`${headingId}-${day}`}>
            <time dateTime={day}>{formatWeekday(day, lng)}</time>
          </h3>
          <ul className="times">
            {times.map((time) => (
              <li key={time.slotId}>{choose(time, "time")}</li>
            ))}
          </ul>
        </section>
      ))}
      {/* A second way between the weeks after the times, named apart from the first (landmarks need unique names). */}
      {week.days.length > 0 ? <WeekPager week={week} path={path} label="book.weeksAfterTimes" /> : null}
    </section>
  );
}

function WeekPager({ week, path, label }: { week: WeekView; path: string; label: "book.weeks" | "book.weeksAfterTimes" }) {
  const { t } = useBookingTexts();
  if (week.previous === null && week.next === null) return null;
  return (
    <nav className="week-pager" aria-label={t(label)}>
      <ul className="inline-list">
        {week.previous !== null ? (
          <li>
            <Link rel="prev" to={week.previous === 0 ? path : `${path}?week=${week.previous}`}>
              {t("book.previousWeek")}
            </Link>
          </li>
        ) : null}
        {week.next !== null ? (
          <li>
            <Link rel="next" to={`${path}?week=${week.next}`}>
              {t("book.nextWeek")}
            </Link>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}

/** Other free times of the same type (after a refusal), each with its date; or that there are none. */
export function OtherTimes({ times, title, choose }: { times: FreeTime[]; title: string; choose: TimeChoice }) {
  const { t } = useBookingTexts();
  const headingId = useId();
  return (
    <section className="other-times" aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      {times.length > 0 ? (
        <ul className="times times--dated">
          {times.map((time) => (
            <li key={time.slotId}>{choose(time, "dateTime")}</li>
          ))}
        </ul>
      ) : (
        <p>{t("notBooked.noOtherTimes")}</p>
      )}
    </section>
  );
}
