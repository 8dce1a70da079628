import { createCookie } from "@remix-run/node";
import i18next, { type i18n, type TFunction } from "i18next";
import { RemixI18Next } from "remix-i18next/server";
import { resources } from "~/locales";
import { oncePerRequest } from "~/utils/request-scope.server";
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
export function languageOf(request: Request): Promise<Language> {
  // The root loader, a page's loader and the render each ask: the answer is the same within one request.
  return oncePerRequest("language", async () => {
    const found = await detector.getLocale(request);
    return isLanguage(found) ? found : defaultLanguage;
  });
}

// One initialised instance per language, made once: creating one per request costs more than rendering the page.
const instances = new Map<Language, i18n>(
  languages.map((lng) => {
    const instance = i18next.createInstance();
    void instance.init({ ...i18nOptions, ns: Object.keys(resources.sv), resources, lng });
    return [lng, instance];
  }),
);

export function i18nFor(lng: Language): i18n {
  return instances.get(lng) ?? (instances.get(defaultLanguage) as i18n);
}

export async function translatorFor(request: Request, ns = "common"): Promise<TFunction> {
  const lng = await languageOf(request);
  return i18nFor(lng).getFixedT(lng, ns);
}
