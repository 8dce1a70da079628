import { intlLocale, isLanguage, type Language } from "./config";

const cache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();

function dateFormat(lng: Language, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `d|${lng}|${JSON.stringify(options)}`;
  let f = cache.get(key) as Intl.DateTimeFormat | undefined;
  if (!f) {
    f = new Intl.DateTimeFormat(intlLocale[lng], { timeZone: "Europe/Stockholm", ...options });
    cache.set(key, f);
  }
  return f;
}

function numberFormat(lng: Language, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `n|${lng}|${JSON.stringify(options)}`;
  let f = cache.get(key) as Intl.NumberFormat | undefined;
  if (!f) {
    f = new Intl.NumberFormat(intlLocale[lng], options);
    cache.set(key, f);
  }
  return f;
}

function asLanguage(lng: string): Language {
  return isLanguage(lng) ? lng : "sv";
}

function asDate(value: Date | string | number): Date {
  return value instanceof Date ? value : new Date(value);
}

/** "22 november 2026" / "22 November 2026". */
export function formatDate(value: Date | string | number, lng: string): string {
  return dateFormat(asLanguage(lng), { dateStyle: "long" }).format(asDate(value));
}

/** "2026-11-22" / "22/11/2026": compact, for tables. */
export function formatShortDate(value: Date | string | number, lng: string): string {
  return dateFormat(asLanguage(lng), { dateStyle: "short" }).format(asDate(value));
}

/** "22 november 2026 14:05" / "22 November 2026, 14:05". */
export function formatDateTime(value: Date | string | number, lng: string): string {
  return dateFormat(asLanguage(lng), { dateStyle: "long", timeStyle: "short" }).format(asDate(value));
}

export function formatNumber(value: number, lng: string, options: Intl.NumberFormatOptions = {}): string {
  return numberFormat(asLanguage(lng), options).format(value);
}

/** A calendar date (YYYY-MM-DD, no time zone) without shifting it across midnight. */
export function formatCalendarDate(isoDate: string, lng: string): string {
  return dateFormat(asLanguage(lng), { dateStyle: "long", timeZone: "UTC" }).format(new Date(`${isoDate}T00:00:00Z`));
}
