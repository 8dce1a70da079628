import { useNavigate, type NavigateFunction } from "@remix-run/react";
import type { MouseEvent } from "react";

/**
 * Markup the server built from escaped values (app/utils/html.server.ts): the record's lists, charts and tables. It is
 * placed as it is, on the server and in the browser alike; React does not render its elements one by one, nor does
 * the page carry their data a second time for hydration.
 *
 * Its links are plain links, so they work without JavaScript; with it, a click on one of the portal's own links
 * navigates within the page as a <Link> does. A click that asks for more (a new tab, a download) is left to the browser.
 */
export function ServerHtml({ html, className }: { html: string; className?: string }) {
  const navigate = useNavigate();
  // The wrapper only listens for clicks on the links inside it: keyboard users follow them with Enter as usual.
  return <div className={className} onClick={(event) => followOwnLink(event, navigate)} dangerouslySetInnerHTML={{ __html: html }} />;
}

function followOwnLink(event: MouseEvent<HTMLElement>, navigate: NavigateFunction) {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const link = event.target instanceof Element ? event.target.closest("a[href]") : null;
  if (!(link instanceof HTMLAnchorElement) || (link.target && link.target !== "_self") || link.hasAttribute("download")) return;
  const url = new URL(link.href);
  if (url.origin !== window.location.origin) return;
  event.preventDefault();
  navigate(url.pathname + url.search + url.hash);
}
