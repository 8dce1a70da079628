import { RemixBrowser } from "@remix-run/react";
import i18next from "i18next";
import { startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";
import { I18nextProvider, initReactI18next } from "react-i18next";
import { defaultLanguage, i18nOptions, isLanguage } from "~/i18n/config";

async function hydrate() {
  const htmlLang = document.documentElement.lang;
  const lng = isLanguage(htmlLang) ? htmlLang : defaultLanguage;
  // Only the page's language is downloaded (the other one after a switch of language, which reloads the page).
  const texts = lng === "en" ? await import("~/locales/en") : await import("~/locales/sv");
  await i18next.use(initReactI18next).init({ ...i18nOptions, resources: { [lng]: texts.default }, lng });
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
