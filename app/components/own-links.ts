import { useNavigate } from "@remix-run/react";
import { useCallback, type MouseEvent } from "react";

/**
 * A click handler for an element that holds plain links to the portal's own pages (server-built markup, long lists
 * of links): one handler for all of them instead of a <Link> each. The links work without JavaScript; with it, a click
 * on one navigates within the page as a <Link> does. A click that asks for more (a new tab, a download, another site) is
 * left to the browser. Keyboard users follow the links with Enter as usual: that is a click too.
 */
export function useOwnLinks(): (event: MouseEvent<HTMLElement>) => void {
  const navigate = useNavigate();
  return useCallback(
    (event: MouseEvent<HTMLElement>) => {
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      const link = event.target instanceof Element ? event.target.closest("a[href]") : null;
      if (!(link instanceof HTMLAnchorElement) || (link.target && link.target !== "_self") || link.hasAttribute("download")) return;
      const url = new URL(link.href);
      if (url.origin !== window.location.origin) return;
      event.preventDefault();
      navigate(url.pathname + url.search + url.hash);
    },
    [navigate],
  );
}
