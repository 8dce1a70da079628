import { createCookie } from "@remix-run/node";
import i18next, { type i18n, type TFunction } from "i18next";
import { RemixI18Next } from "remix-i18next/server";
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
    void instance.init({ ...i18nOptions, lng });
    rememberTranslations(instance);
    return [lng, instance];
  }),
);

type Values = Record<string, unknown>;
/** A text with values, cut at its placeholders: texts[0] name[0] texts[1] name[1] … texts[n]. */
interface Template {
  texts: string[];
  names: string[];
}

const PLACEHOLDER = /{{\s*([A-Za-z0-9_]+)\s*}}/g;

/** Null for a text i18next does more with than put values in ({{- x}}, {{x, format}}, $t(…) nesting). */
function templateOf(raw: string): Template | null {
  const texts: string[] = [];
  const names: string[] = [];
  let at = 0;
  for (const m of raw.matchAll(PLACEHOLDER)) {
    texts.push(raw.slice(at, m.index));
    names.push(m[1] as string);
    at = (m.index ?? 0) + m[0].length;
  }
  texts.push(raw.slice(at));
  return texts.some((t) => t.includes("{{") || t.includes("$t(")) ? null : { texts, names };
}

/** The text when `values` names exactly the template's placeholders, with strings and numbers; otherwise null. */
function filled(template: Template, values: Values): string | null {
  let count = 0;
  for (const name in values) {
    if (!template.names.includes(name)) return null;
    count++;
  }
  if (count === 0 && template.names.length > 0) return null;
  let out = template.texts[0] as string;
  for (let i = 0; i < template.names.length; i++) {
    const value = values[template.names[i] as string];
    if (typeof value !== "string" && typeof value !== "number") return null;
    out += String(value) + (template.texts[i + 1] as string);
  }
  return out;
}

const MAX_REMEMBERED = 10_000;

/**
 * The resources are bundled and never change while the process runs, yet i18next resolves every call afresh, and a
 * record page makes hundreds ("Date" once per entry): about a tenth of the page's time went there. Each fixed
 * translator (one per language and namespace, as react-i18next asks for) remembers the text of each plain key, and
 * the template of each key with values, which it fills itself when the values are plain strings and numbers. Anything
 * else (a count, a context, options, nesting, formats) goes to i18next as before.
 */
export function rememberTranslations(instance: i18n): void {
  const original = instance.getFixedT.bind(instance) as (...args: unknown[]) => TFunction;
  const translators = new Map<string, TFunction>();
  instance.getFixedT = ((lngAsked: unknown, ns: unknown, keyPrefix: unknown, ...rest: unknown[]) => {
    // react-i18next asks with no language for the instance's own (constant here: one instance per language).
    const lng = lngAsked ?? instance.language;
    if (typeof lng !== "string" || (ns !== undefined && ns !== null && typeof ns !== "string") || keyPrefix || rest.length > 0) {
      return original(lngAsked, ns, keyPrefix, ...rest);
    }
    const namespace = (ns as string | null | undefined) ?? instance.options.defaultNS?.toString() ?? "translation";
    const where = `${lng}|${namespace}`;
    let translator = translators.get(where);
    if (!translator) {
      translator = rememberingTranslator(instance, original(lng, ns), lng, namespace);
      translators.set(where, translator);
    }
    return translator;
  }) as unknown as i18n["getFixedT"];
}

function rememberingTranslator(instance: i18n, t: TFunction & { lng?: unknown; ns?: unknown; keyPrefix?: unknown }, lng: string, ns: string): TFunction {
  const plain = new Map<string, string>();
  const templates = new Map<string, Template | null>();
  const call = t as unknown as (...args: unknown[]) => unknown;
  const remembering = (key: unknown, options?: unknown, ...rest: unknown[]): unknown => {
    if (typeof key !== "string" || rest.length > 0) return call(key, options, ...rest);
    if (options === undefined) {
      const known = plain.get(key);
      if (known !== undefined) return known;
      const text = call(key);
      if (typeof text === "string" && plain.size < MAX_REMEMBERED) plain.set(key, text);
      return text;
    }
    if (typeof options !== "object" || options === null) return call(key, options);
    let template = templates.get(key);
    if (template === undefined) {
      const raw: unknown = instance.getResource(lng, ns, key);
      template = typeof raw === "string" ? templateOf(raw) : null;
      if (templates.size < MAX_REMEMBERED) templates.set(key, template);
    }
    return (template && filled(template, options as Values)) ?? call(key, options);
  };
  return Object.assign(remembering, { lng: t.lng, ns: t.ns, keyPrefix: t.keyPrefix }) as unknown as TFunction;
}

export function i18nFor(lng: Language): i18n {
  return instances.get(lng) ?? (instances.get(defaultLanguage) as i18n);
}

export async function translatorFor(request: Request, ns = "common"): Promise<TFunction> {
  const lng = await languageOf(request);
  return i18nFor(lng).getFixedT(lng, ns);
}
