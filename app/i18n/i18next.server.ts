import { createCookie } from "@remix-run/node";
import i18next, { type i18n, type TFunction } from "i18next";
import { RemixI18Next } from "remix-i18next/server";
import { defaultLanguage, i18nOptions, isLanguage, languages, type Language } from "./config";

/** The explicit choice made with the language switch; a year, readable by the server only. */
export const languageCookie = createCookie("lng", {
  path: "/",
  sameSite: "lax",
  httpOnly: true,
  secure: process.env.NODE_ENV === "production",
  maxAge: 60 * 60 * 24 * 365,
});

const detector = new RemixI18Next({
  detection: {
    supportedLanguages: [...languages],
    fallbackLanguage: defaultLanguage,
    cookie: languageCookie,
    order: ["searchParams", "cookie", "header"],
  },
});

/** Explicit choice (?lng or the lng cookie), then Accept-Language, then Swedish. */
export async function languageOf(request: Request): Promise<Language> {
  const found = await detector.getLocale(request);
  return isLanguage(found) ? found : defaultLanguage;
}

// One initialised instance per language, made once: creating one per request costs more than rendering the page.
const instances = new Map<Language, i18n>(
  languages.map((lng) => {
    const instance = i18next.createInstance();
    void instance.init({ ...i18nOptions, lng });
    rememberPlainTranslations(instance);
    return [lng, instance];
  }),
);

const PLAIN_OPTIONS = new Set(["lng", "lngs", "ns", "keyPrefix"]);
const MAX_REMEMBERED = 10_000;

/** Options that only say where to look (what fixedT passes), nothing that changes the text: no values, count, context. */
function isPlain(options: unknown): options is { lng?: string; lngs?: readonly string[]; ns?: string | readonly string[] } {
  if (options === undefined) return true;
  if (typeof options !== "object" || options === null) return false;
  for (const [name, value] of Object.entries(options)) {
    if (!PLAIN_OPTIONS.has(name) || (name === "keyPrefix" && value)) return false;
  }
  return true;
}

/**
 * The resources are bundled and never change while the process runs, yet i18next resolves every key afresh, and a
 * record page asks for "Date" once per entry: a tenth of the page's time went there. Texts of plain keys (no
 * interpolation, count or context) are remembered per language and namespace; all other calls go to i18next.
 */
export function rememberPlainTranslations(instance: i18n): void {
  const translate = instance.t.bind(instance) as (key: unknown, options?: unknown) => unknown;
  const remembered = new Map<string, unknown>();
  instance.t = ((key: unknown, options?: unknown) => {
    if (typeof key !== "string" || !isPlain(options)) return translate(key, options);
    const where = `${options?.lng ?? ""}|${String(options?.lngs ?? "")}|${String(options?.ns ?? "")}|${key}`;
    if (remembered.has(where)) return remembered.get(where);
    const text = translate(key, options);
    if (typeof text === "string" && remembered.size < MAX_REMEMBERED) remembered.set(where, text);
    return text;
  }) as i18n["t"];
}

export function i18nFor(lng: Language): i18n {
  return instances.get(lng) ?? (instances.get(defaultLanguage) as i18n);
}

export async function translatorFor(request: Request, ns = "common"): Promise<TFunction> {
  const lng = await languageOf(request);
  return i18nFor(lng).getFixedT(lng, ns);
}
