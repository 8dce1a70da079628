import { useMatches } from "@remix-run/react";
import { useTranslation } from "react-i18next";

/**
 * The namespaces a page needs: those its routes name in `handle.i18n` (a namespace or a list of them), root's
 * included, each once. The server has every namespace; the browser loads these before it shows the page.
 */
export function routeNamespaces(handles: unknown[]): string[] {
  const names = handles.flatMap((handle) => {
    const i18n = handle && typeof handle === "object" && "i18n" in handle ? handle.i18n : undefined;
    if (typeof i18n === "string") return [i18n];
    if (Array.isArray(i18n)) return i18n.filter((ns): ns is string => typeof ns === "string");
    return [];
  });
  return [...new Set(names)];
}

/**
 * Holds back a client-side navigation until the texts of every route it reaches are loaded: react-i18next suspends
 * while a namespace is missing, and since Remix renders a navigation in a transition, React keeps showing the page
 * before until they are there. So no key is ever on screen. Called in the root, for every page.
 */
export function useRouteTexts(): void {
  const matches = useMatches();
  useTranslation(routeNamespaces(matches.map((m) => m.handle)));
}
