import type { ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { I18nextProvider } from "react-i18next";
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from "react-router-dom/server";
import type { Language } from "~/i18n/config";
import { i18nFor } from "~/i18n/i18next.server";

/**
 * For tests: a component's HTML as the server renders it, in a language, at an address (links and forms need a
 * router around them; Remix's own is react-router's). Without the router's `data-discover` marks.
 */
export async function renderStatic(element: ReactElement, { lng = "sv", path = "/" }: { lng?: Language; path?: string } = {}): Promise<string> {
  const handler = createStaticHandler([{ path: "*", element }]);
  const context = await handler.query(new Request(new URL(path, "http://portal.test")));
  if (context instanceof Response) throw new Error(`no page at ${path}`);
  const html = renderToStaticMarkup(
    <I18nextProvider i18n={i18nFor(lng)}>
      <StaticRouterProvider router={createStaticRouter(handler.dataRoutes, context)} context={context} hydrate={false} />
    </I18nextProvider>,
  );
  return html.replaceAll(' data-discover="true"', "");
}
