import type { InitOptions } from "i18next";

export const languages = ["sv", "en"] as const;
export type Language = (typeof languages)[number];
export const defaultLanguage: Language = "sv";

/** BCP 47 locale used by Intl for each portal language. */
export const intlLocale: Record<Language, string> = { sv: "sv-SE", en: "en-GB" };

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (languages as readonly string[]).includes(value);
}

export const i18nOptions = {
  supportedLngs: [...languages],
  fallbackLng: defaultLanguage,
  defaultNS: "common",
  interpolation: { escapeValue: false },
  returnNull: false,
  initImmediate: false,
} satisfies InitOptions;
