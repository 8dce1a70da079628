import { Link, useLocation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { sectionOrder, sectionPath } from "~/record/sections";

/**
 * The record's own navigation: the overview and every section, each with a stable address. The page shown is marked
 * (aria-current); a section stays marked on its own subpages (a result over time is in results).
 *
 * On a narrow screen the list is folded behind a button, so that the page's heading is on the first screen: a
 * <details> whose summary is that button, and CSS that shows the list after it only while it is open (record.css).
 * It works without JavaScript; on a wide screen the button is hidden and the list always shown. Each new page
 * starts folded (the key).
 */
export function RecordNav() {
  const { t } = useTranslation("record");
  const { pathname } = useLocation();
  const current = (path: string, exact: boolean) => (pathname === path || (!exact && pathname.startsWith(`${path}/`)) ? "page" : undefined);
  return (
    <nav className="record-nav no-print" aria-label={t("nav.label")}>
      <details className="record-nav__fold" key={pathname}>
        <summary>{t("nav.menu")}</summary>
      </details>
      <ul>
        <li>
          <Link to="/record" aria-current={current("/record", true)}>
            {t("nav.overview")}
          </Link>
        </li>
        {sectionOrder.map((section) => (
          <li key={section}>
            <Link to={sectionPath(section)} aria-current={current(sectionPath(section), false)}>
              {t(`nav.${section}`)}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
