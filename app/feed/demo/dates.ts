/**
 * Calendar arithmetic for the demo data. A local date is a day number (days since 1970-01-01 in Swedish local time);
 * times are written as ISO strings with the Europe/Stockholm offset, as the clinical system sends them.
 */

const DAY_MS = 86_400_000;

export function dayNumber(year: number, month: number, day: number): number {
  return Math.floor(Date.UTC(year, month - 1, day) / DAY_MS);
}

export function ymd(day: number): { year: number; month: number; day: number } {
  const d = new Date(day * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** YYYY-MM-DD. */
export function isoDate(day: number): string {
  const { year, month, day: d } = ymd(day);
  return `${pad(year, 4)}-${pad(month)}-${pad(d)}`;
}

/** Monday = 1 ... Sunday = 7. */
export function weekday(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

/** The same calendar day `years` earlier or later; 29 February becomes 1 March in other years. */
export function addYears(day: number, years: number): number {
  const { year, month, day: d } = ymd(day);
  return Math.floor(Date.UTC(year + years, month - 1, d) / DAY_MS);
}

export function addMonths(day: number, months: number): number {
  const { year, month, day: d } = ymd(day);
  const target = Date.UTC(year, month - 1 + months, 1) / DAY_MS;
  const lastDay = ymd(Date.UTC(year, month + months, 0) / DAY_MS).day;
  return target + Math.min(d, lastDay) - 1;
}

/** Whole years between two days (an age, switching on the birthday itself). */
export function yearsBetween(from: number, to: number): number {
  const a = ymd(from);
  const b = ymd(to);
  let years = b.year - a.year;
  if (b.month < a.month || (b.month === a.month && b.day < a.day)) years -= 1;
  return years;
}

function lastSunday(year: number, month: number): number {
  const last = Math.floor(Date.UTC(year, month, 0) / DAY_MS);
  return last - (weekday(last) % 7);
}

/** Is this UTC instant in Central European Summer Time (last Sunday of March 01:00 UTC to last Sunday of October)? */
function isSummerTime(utcMs: number): boolean {
  const year = new Date(utcMs).getUTCFullYear();
  const start = lastSunday(year, 3) * DAY_MS + 3_600_000;
  const end = lastSunday(year, 10) * DAY_MS + 3_600_000;
  return utcMs >= start && utcMs < end;
}

/** Minutes east of UTC in Sweden at a UTC instant. */
export function stockholmOffsetMinutes(utcMs: number): number {
  return isSummerTime(utcMs) ? 120 : 60;
}

/** The Swedish calendar day of an instant. */
export function stockholmDay(instant: Date): number {
  const ms = instant.getTime();
  return Math.floor((ms + stockholmOffsetMinutes(ms) * 60_000) / DAY_MS);
}

/** The UTC instant (ms) of a local day and minute of the day in Sweden. */
export function localInstant(day: number, minuteOfDay: number): number {
  const naive = day * DAY_MS + minuteOfDay * 60_000;
  const guess = naive - 60 * 60_000;
  return naive - stockholmOffsetMinutes(guess) * 60_000;
}

/** `YYYY-MM-DDTHH:MM:SS+01:00` (or +02:00) for a local day and minute of the day in Sweden. */
export function localDateTime(day: number, minuteOfDay: number): string {
  const instant = localInstant(day, minuteOfDay);
  const offset = stockholmOffsetMinutes(instant);
  const local = new Date(instant + offset * 60_000);
  const date = `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
  const time = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
  return `${date}T${time}+${pad(offset / 60)}:00`;
}

/** An instant as UTC ISO with milliseconds, as `meta.lastUpdated` is usually sent. */
export function utcInstant(ms: number): string {
  return new Date(ms).toISOString();
}
