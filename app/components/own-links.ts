import { useNavigate } from "@remix-run/react";
import { useCallback, type FormEvent, type MouseEvent } from "react";

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

/**
 * A submit handler for an element that holds plain GET forms to the portal's own pages (server-built markup: the
 * record's filters). The forms work without JavaScript; with it, a submit navigates within the page to the address
 * the browser would have loaded, as a Remix <Form method="get"> does.
 */
export function useOwnForms(): (event: FormEvent<HTMLElement>) => void {
  const navigate = useNavigate();
  return useCallback(
    (event: FormEvent<HTMLElement>) => {
      const form = event.target;
      if (event.defaultPrevented || !(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "get") return;
      if (form.target && form.target !== "_self") return;
      const url = new URL(form.action);
      if (url.origin !== window.location.origin) return;
      event.preventDefault();
      const query = new URLSearchParams();
      for (const [name, value] of new FormData(form)) if (typeof value === "string") query.append(name, value);
      navigate(`${url.pathname}?${query.toString()}`);
    },
    [navigate],
  );
}
