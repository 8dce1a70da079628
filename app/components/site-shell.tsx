import { Form, Link, useLocation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Language } from "~/i18n/config";

export function SiteHeader({ locale, children }: { locale: Language; children?: React.ReactNode }) {
  const { t } = useTranslation();
  return (
    <header className="site-header">
      <div className="site-header__inner">
        <Link to="/" className="site-name">
          {t("portal.name")}
        </Link>
        <LanguageSwitch locale={locale} />
      </div>
      {children}
    </header>
  );
}

/**
 * A plain form: works without JavaScript; the action sets the lng cookie and sends the person back. It reloads the
 * document, with JavaScript too: the browser holds the texts of the page's language only (entry.client).
 */
export function LanguageSwitch({ locale }: { locale: Language }) {
  const { t } = useTranslation();
  const location = useLocation();
  const other: Language = locale === "sv" ? "en" : "sv";
  return (
    <Form method="post" action="/language" reloadDocument className="language-switch" aria-label={t("language.label")}>
      <input type="hidden" name="lng" value={other} />
      <input type="hidden" name="returnTo" value={location.pathname + location.search} />
      <button type="submit" lang={other} className="button button--link">
        {t("language.switchTo")}
      </button>
    </Form>
  );
}

export function SiteFooter() {
  const { t } = useTranslation();
  return (
    <footer className="site-footer">
      <div className="site-footer__inner">
        <p>{t("footer.about")}</p>
        <p>{t("footer.emergency")}</p>
        <nav aria-label={t("footer.label")}>
          <ul className="inline-list">
            <li>
              <Link to="/accessibility">{t("footer.accessibility")}</Link>
            </li>
          </ul>
        </nav>
      </div>
    </footer>
  );
}
