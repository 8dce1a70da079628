import { NavLink } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { sectionOrder, sectionPath } from "~/record/sections";

/** The record's own navigation: the overview and every section, each with a stable address. */
export function RecordNav() {
  const { t } = useTranslation("record");
  return (
    <nav className="record-nav no-print" aria-label={t("nav.label")}>
      <ul>
        <li>
          <NavLink to="/record" end>
            {t("nav.overview")}
          </NavLink>
        </li>
        {sectionOrder.map((section) => (
          <li key={section}>
            <NavLink to={sectionPath(section)}>{t(`nav.${section}`)}</NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
