import { createContext, useContext, useEffect, useRef } from "react";
import type { PageMarkup } from "~/utils/html.server";

/** On the server: the markup this request's page kept (entry.server provides it). Empty in the browser. */
const KeptMarkup = createContext<ReadonlyMap<string, string>>(new Map());
export const KeptMarkupProvider = KeptMarkup.Provider;

/** In the browser: the markup a document came with, read from the page, should React ever mount it again. */
const shownInDocument = new WeakMap<PageMarkup, string>();

/**
 * Markup the server built from escaped values (app/utils/html.server.ts): a result's chart and table, and the
 * printout's entries. It is placed as it is, on the server and in the browser alike; React does not render its
 * elements one by one. It holds no links or forms (they would load the whole document again).
 *
 * A page's HTML document carries it once, in the page: the loader's data says only that the server kept it (`kept`),
 * and hydration leaves the server's markup in place (React does not hydrate inside dangerouslySetInnerHTML). A
 * client-side navigation gets it in the data (`html`).
 */
export function ServerHtml({ markup, className }: { markup: PageMarkup; className?: string }) {
  const kept = useContext(KeptMarkup);
  const ref = useRef<HTMLDivElement>(null);
  const keptByServer = "kept" in markup;
  useEffect(() => {
    if (keptByServer && ref.current && !shownInDocument.has(markup)) shownInDocument.set(markup, ref.current.innerHTML);
  }, [keptByServer, markup]);
  const html = "html" in markup ? markup.html : (kept.get(markup.kept) ?? shownInDocument.get(markup) ?? "");
  return (
    <div
      ref={ref}
      className={className}
      suppressHydrationWarning={keptByServer}
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}
