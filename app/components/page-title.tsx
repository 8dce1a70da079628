import { useLocation } from "@remix-run/react";
import { createContext, useContext, useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";

/** The address (path and query) whose page was last shown in this browser tab; unset until the first page renders. */
let shownAddress: string | undefined;

/**
 * Where the server's render leaves the document title (entry.server writes it into the head once the page is
 * rendered): the head comes before the page in the document, so it cannot know the title when it renders. Null in
 * the browser, where the effect below sets it.
 */
export const DocumentTitleSink = createContext<{ title?: string } | null>(null);

/**
 * The page's h1, which also sets the document title: in the server's document (read without JavaScript too) and after
 * every client-side navigation. After one, focus moves to the h1, so that a screen reader announces the new page as it
 * would after a full page load: a link followed, a filter form sent or a page of the pager (the results are a new
 * address, which a reload would have shown from the top), the back button. Not on the first page load (the browser
 * reads the page itself), and not when a form post is answered in place (the address is the same: focus stays in the
 * form, by its errors).
 */
export function PageTitle({ children }: { children: string }) {
  const { t } = useTranslation();
  const { pathname, search } = useLocation();
  const ref = useRef<HTMLHeadingElement>(null);
  const documentTitle = `${children} – ${t("portal.name")}`;
  const sink = useContext(DocumentTitleSink);
  if (sink) sink.title = documentTitle;
  useEffect(() => {
    document.title = documentTitle;
  }, [documentTitle]);
  useEffect(() => {
    const address = pathname + search;
    // preventScroll: the router has already scrolled (to the top, or back to where a page was left).
    if (shownAddress !== undefined && shownAddress !== address) ref.current?.focus({ preventScroll: true });
    shownAddress = address;
  }, [pathname, search]);
  return (
    <h1 ref={ref} tabIndex={-1}>
      {children}
    </h1>
  );
}
