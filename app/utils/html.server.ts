import type { PageMarkup } from "~/components/server-html";
import { isDocumentRequest, requestValue } from "./request-scope.server";

/**
 * Markup built on the server as text, for the record's content: lists of entries, a result's chart and table. These
 * are static (no state, no handlers), and a record page shows hundreds of their elements. Rendered by React, each
 * element cost the server its render and its share of the data sent for hydration, most of a record page's time;
 * built here, a list is one string that React places as it is (see ServerHtml).
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

/** Markup an `html` template made: inserted as it is into another template, never escaped again. */
export class Markup {
  constructor(readonly html: string) {}
  toString(): string {
    return this.html;
  }
}

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
