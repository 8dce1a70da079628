import { isDocumentRequest, requestValue } from "./request-scope.server";

/**
 * Markup built on the server as text, where thousands of elements make React's cost visible: a result's chart and
 * table (up to 1,000 values) and the printout (hundreds of entries). Rendered by React, each element would cost the
 * server its render and its share of the data sent for hydration; built here, it is one string that React places as
 * it is (see ServerHtml). Everything else is React.
 *
 * Every value is escaped: only `html` templates and `Markup` made by them are inserted as markup. Templates must quote
 * every attribute ("…"), and build URLs from fixed paths and encoded parts, never from a value as it came.
 */

const SPECIAL = /[&<>"']/;
const SPECIALS = /[&<>"']/g;
const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text as HTML text or a quoted attribute's value. */
export function escapeHtml(text: string): string {
  return SPECIAL.test(text) ? text.replace(SPECIALS, (c) => ENTITIES[c] as string) : text;
}

/**
 * Markup an `html` template made: inserted as it is into another template, never escaped again. Only this module
 * makes one (the class itself is not exported, and its private field keeps a look-alike object from passing for it).
 */
class Markup {
  readonly #html: string;
  constructor(markup: string) {
    this.#html = markup;
  }
  get html(): string {
    return this.#html;
  }
  toString(): string {
    return this.#html;
  }
}
export type { Markup };

/** What a template takes: text and numbers (escaped), markup, lists of these, and nothing (null, undefined, false). */
export type HtmlValue = Markup | string | number | null | undefined | false | readonly HtmlValue[];

function markupOf(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof Markup) return value.html;
  if (typeof value === "string") return escapeHtml(value);
  if (typeof value === "number") return String(value);
  let out = "";
  for (const item of value) out += markupOf(item);
  return out;
}

/** html`<p>${text}</p>`: the template's own text as markup, every value escaped (or inserted, if it is Markup). */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Markup {
  let out = strings[0] as string;
  for (let i = 0; i < values.length; i++) out += markupOf(values[i] as HtmlValue) + (strings[i + 1] as string);
  return new Markup(out);
}

const KEPT = Symbol("server markup");

/**
 * Markup in a loader's data, for ServerHtml: the markup itself (`html`), or, in a page's HTML document, the key it is
 * kept under for the server's render (`kept`).
 */
export type PageMarkup = { html: string } | { kept: string };

/**
 * Markup for a page's component (see ServerHtml). A client-side navigation gets it in the loader's data. A page's HTML
 * document gets it once: kept here for the server's render, and not sent again in the data for hydration, which
 * leaves the server's markup in place (escaping a list a second time, as data inside a script, cost a page as much
 * as building it).
 */
export function pageMarkup(markup: Markup): PageMarkup {
  const kept = isDocumentRequest() ? requestValue(KEPT, () => new Map<string, string>()) : undefined;
  if (!kept) return { html: markup.html };
  const key = `m${kept.size + 1}`;
  kept.set(key, markup.html);
  return { kept: key };
}

/** The markup this request's page keeps for its render (entry.server hands it to ServerHtml). */
export function keptMarkup(): ReadonlyMap<string, string> {
  return requestValue(KEPT, () => new Map<string, string>()) ?? new Map();
}
