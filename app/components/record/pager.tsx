import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { RecordSection } from "../../../db/schema/vocabulary";
import { filterQuery, sectionPath, type SectionFilters } from "~/record/sections";

/** Previous and next page, keeping the filters; nothing when everything fits on one page. */
export function Pager({ section, filters, page, hasNext }: { section: RecordSection; filters: SectionFilters; page: number; hasNext: boolean }) {
  const { t } = useTranslation("record");
  if (page === 1 && !hasNext) return null;
  const to = (p: number) => `${sectionPath(section)}${filterQuery(filters, { page: p > 1 ? p : undefined })}`;
  return (
    <nav className="pager no-print" aria-label={t("pager.label")}>
      <ul className="inline-list">
        {page > 1 ? (
          <li>
            <Link to={to(page - 1)} rel="prev">
              {t("pager.previous")}
            </Link>
          </li>
        ) : null}
        <li aria-current="page">{t("pager.page", { page })}</li>
        {hasNext ? (
          <li>
            <Link to={to(page + 1)} rel="next">
              {t("pager.next")}
            </Link>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}
