/**
 * Calendar dates (YYYY-MM-DD) and their Swedish day boundaries: the portal's days are Swedish days, whatever the
 * server's time zone, and summer time moves midnight's instant by an hour.
 */

const STOCKHOLM_DATE = new Intl.DateTimeFormat("en-CA", {
  timeZone: "Europe/Stockholm",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});

const STOCKHOLM_CLOCK = new Intl.DateTimeFormat("sv-SE", {
  timeZone: "Europe/Stockholm",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

/** Today's calendar date in Sweden (YYYY-MM-DD) at the instant `now`. */
export function swedishDate(now: Date): string {
  return STOCKHOLM_DATE.format(now);
}

/** The instant Swedish local midnight begins on a calendar date (YYYY-MM-DD), whatever the summer-time offset. */
export function swedishMidnight(isoDate: string): Date {
  const [y, m, d] = isoDate.split("-").map(Number) as [number, number, number];
  for (const offsetHours of [1, 2]) {
    const t = new Date(Date.UTC(y, m - 1, d) - offsetHours * 3_600_000);
    if (STOCKHOLM_CLOCK.format(t) === "00:00") return t;
  }
  return new Date(Date.UTC(y, m - 1, d) - 3_600_000);
}

/** The calendar date after `isoDate`: a period "to" a date ends at the Swedish midnight after it. */
export function nextDay(isoDate: string): string {
  const t = new Date(`${isoDate}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + 1);
  return t.toISOString().slice(0, 10);
}

/** An instant (a Date, or PostgreSQL's text of one) as ISO text in UTC with milliseconds, or null. */
export function toIso(value: Date | string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** Names in Swedish alphabetical order (å, ä, ö last), whatever the page's language: they are Swedish names. */
export const swedishOrder = new Intl.Collator("sv").compare;
