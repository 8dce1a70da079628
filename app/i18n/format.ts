import { intlLocale, isLanguage, type Language } from "./config";

type DateStyle = "date" | "shortDate" | "dateTime" | "time" | "weekdayDateTime" | "calendarDate" | "weekday" | AxisPrecision;
export type AxisPrecision = "day" | "month" | "year";

const DATE_OPTIONS: Record<DateStyle, Intl.DateTimeFormatOptions> = {
  date: { dateStyle: "long" },
  shortDate: { dateStyle: "short" },
  dateTime: { dateStyle: "long", timeStyle: "short" },
  // A calendar date (YYYY-MM-DD) is read as UTC midnight, so it is shown in UTC: never shifted across midnight.
  time: { timeStyle: "short" },
  weekdayDateTime: { weekday: "long", day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit" },
  calendarDate: { dateStyle: "long", timeZone: "UTC" },
  weekday: { weekday: "long", day: "numeric", month: "long", timeZone: "UTC" },
  // A chart's time axis: ticks at UTC midnight of a day, a month's first or a year's first, named as that day.
  day: { day: "numeric", month: "short", timeZone: "UTC" },
  month: { month: "short", year: "numeric", timeZone: "UTC" },
  year: { year: "numeric", timeZone: "UTC" },
};

// Made once per language and style: a record page formats a date or a number for every entry it shows.
const dateFormats = new Map<string, Intl.DateTimeFormat>();
const numberFormats = new Map<string, Intl.NumberFormat>();

function dateFormat(lng: string, style: DateStyle): Intl.DateTimeFormat {
  const language = asLanguage(lng);
  const key = `${language}|${style}`;
  let f = dateFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(intlLocale[language], { timeZone: "Europe/Stockholm", ...DATE_OPTIONS[style] });
    dateFormats.set(key, f);
  }
  return f;
}

function numberFormat(lng: string, maximumFractionDigits: number | undefined): Intl.NumberFormat {
  const language = asLanguage(lng);
  const key = `${language}|${maximumFractionDigits ?? ""}`;
  let f = numberFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(intlLocale[language], maximumFractionDigits === undefined ? {} : { maximumFractionDigits });
    numberFormats.set(key, f);
  }
  return f;
}

function asLanguage(lng: string): Language {
  return isLanguage(lng) ? lng : "sv";
}

function asDate(value: Date | string | number): Date {
  return value instanceof Date ? value : new Date(value);
}

const HOUR_MS = 3_600_000;
/**
 * From 1980 on, Sweden's clocks are one or two whole hours ahead of UTC and change at 01:00 UTC: every instant of one
 * UTC hour falls on the same Swedish calendar day. (Before, Stockholm's offset was not always whole hours.)
 */
const WHOLE_HOURS_FROM = Date.UTC(1980, 0, 1);
const MAX_KEPT_DAYS = 50_000;
const keptDays = new Map<string, string>();

/**
 * "22 november 2026" / "22 November 2026". Kept per language and UTC hour: a record page dates every entry it shows,
 * and formatting one date cost more than the rest of the entry's markup.
 */
export function formatDate(value: Date | string | number, lng: string): string {
  const date = asDate(value);
  const time = date.getTime();
  if (!(time >= WHOLE_HOURS_FROM)) return dateFormat(lng, "date").format(date);
  const key = `${asLanguage(lng)}${Math.floor(time / HOUR_MS)}`;
  let text = keptDays.get(key);
  if (text === undefined) {
    text = dateFormat(lng, "date").format(date);
    if (keptDays.size >= MAX_KEPT_DAYS) keptDays.clear();
    keptDays.set(key, text);
  }
  return text;
}

/** "2026-11-22" / "22/11/2026": compact, for tables. */
export function formatShortDate(value: Date | string | number, lng: string): string {
  return dateFormat(lng, "shortDate").format(asDate(value));
}

/** "22 november 2026 14:05" / "22 November 2026, 14:05". */
export function formatDateTime(value: Date | string | number, lng: string): string {
  return dateFormat(lng, "dateTime").format(asDate(value));
}

/** "14:05": a time of day in Swedish time (a list of times under their day's heading). */
export function formatTime(value: Date | string | number, lng: string): string {
  return dateFormat(lng, "time").format(asDate(value));
}

/** "tisdag 3 mars 2026 14:05" / "Tuesday 3 March 2026, 14:05": an appointment's time, with its weekday. */
export function formatAppointmentTime(value: Date | string | number, lng: string): string {
  return dateFormat(lng, "weekdayDateTime").format(asDate(value));
}

/** "tisdag 3 mars" / "Tuesday 3 March": a calendar date (YYYY-MM-DD) as a day's heading, never shifted. */
export function formatWeekday(isoDate: string, lng: string): string {
  return dateFormat(lng, "weekday").format(new Date(`${isoDate}T00:00:00Z`));
}

/** "1 234,5" / "1,234.5"; at most `maximumFractionDigits` decimals when given. */
export function formatNumber(value: number, lng: string, options: { maximumFractionDigits?: number } = {}): string {
  return numberFormat(lng, options.maximumFractionDigits).format(value);
}

/** A calendar date (YYYY-MM-DD, no time zone) without shifting it across midnight. */
export function formatCalendarDate(isoDate: string, lng: string): string {
  return dateFormat(lng, "calendarDate").format(new Date(`${isoDate}T00:00:00Z`));
}

/** A tick of a chart's time axis (UTC midnight): "5 jan." / "5 Jan", "jan. 2026" / "Jan 2026", "2026". */
export function formatAxisDate(value: number, lng: string, precision: AxisPrecision): string {
  return dateFormat(lng, precision).format(new Date(value));
}
