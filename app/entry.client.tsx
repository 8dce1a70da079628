import { RemixBrowser } from "@remix-run/react";
import i18next from "i18next";
import { startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";
import { I18nextProvider, initReactI18next } from "react-i18next";
import { defaultLanguage, i18nOptions, isLanguage } from "~/i18n/config";
import { routeNamespaces } from "~/i18n/route-texts";
import { textsBackend } from "~/i18n/texts-backend";
import en from "~/locales/en";
import sv from "~/locales/sv";

declare global {
  interface Window {
    __remixRouteModules: Record<string, { handle?: unknown } | undefined>;
  }
}

async function hydrate() {
  const htmlLang = document.documentElement.lang;
  const lng = isLanguage(htmlLang) ? htmlLang : defaultLanguage;
  // Only the page's language is downloaded (the other one's texts only if the language changed without a new document),
  // and of it only the namespaces of the page's routes (their handle.i18n): a later page's are loaded when a navigation
  // reaches it (useRouteTexts in the root). Every language has every key (app/i18n/locales.test.ts): no fallback.
  const ns = routeNamespaces(Object.values(window.__remixRouteModules).map((route) => route?.handle));
  await i18next
    .use(initReactI18next)
    .use(textsBackend({ sv, en }))
    .init({ ...i18nOptions, lng, fallbackLng: false, ns });
  startTransition(() => {
    hydrateRoot(
      document,
      <I18nextProvider i18n={i18next}>
        <StrictMode>
          <RemixBrowser />
        </StrictMode>
      </I18nextProvider>,
    );
  });
}

void hydrate();
