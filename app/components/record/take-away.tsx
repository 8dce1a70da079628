import { Link } from "@remix-run/react";
import { useId } from "react";
import { useTranslation } from "react-i18next";
import type { RecordSection } from "../../../db/schema/vocabulary";
import { filterQuery, sectionSlugs, type SectionFilters } from "~/record/sections";
import { TitledSection } from "./titled-section";

/** Print and download, for the section as filtered or (section null) the whole record. */
export function TakeAway({ section, filters = {} }: { section: RecordSection | null; filters?: Partial<SectionFilters> }) {
  const { t } = useTranslation("record");
  const hint = useId();
  const query = section ? filterQuery(filters, { section: sectionSlugs[section] }) : "";
  return (
    <TitledSection className="take-away no-print" title={t("take.title")}>
      <ul className="inline-list">
        <li>
          <Link to={`/record/print${query}`}>{section ? t("take.printSection") : t("take.print")}</Link>
        </li>
        <li>
          {/* A file to save, not a page: a plain link. */}
          <a href={`/record/export.json${query}`} download aria-describedby={hint}>
            {section ? t("take.exportSection") : t("take.export")}
          </a>
        </li>
      </ul>
      <p id={hint} className="muted">
        {t("take.exportHint")}
      </p>
    </TitledSection>
  );
}
