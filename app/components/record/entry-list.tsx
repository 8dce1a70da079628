import { Link } from "@remix-run/react";
import type { RecordSection } from "../../../db/schema/record";
import type { EntryView } from "~/record/queries.server";
import { assessmentText, entryMeta, rangeText, useEntryTexts, valueText, type EntryTexts } from "./entry-parts";

const CURRENT_MEDICATION = new Set(["active", "on-hold", "intended"]);
const ACTIVE_DIAGNOSIS = new Set(["active", "recurrence", "relapse"]);
const RESOLVED_DIAGNOSIS = new Set(["inactive", "remission", "resolved"]);
const REFERRAL_STATUSES = new Set(["draft", "active", "on-hold", "revoked", "completed"]);
const CRITICALITIES = new Set(["high", "low", "unable-to-assess"]);

function field(key: string, label: string, children: React.ReactNode): JSX.Element {
  return (
    <div key={key}>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** The fields a section shows beyond date, unit and provider. */
function entryDetails(texts: EntryTexts, entry: EntryView): JSX.Element {
  const { t } = texts;
  const author = entry.authorName
    ? entry.authorProfession
      ? t("entry.authorWithProfession", { name: entry.authorName, profession: entry.authorProfession })
      : entry.authorName
    : null;
  const fields: React.ReactNode[] = [];
  switch (entry.section) {
    case "notes":
      if (author) fields.push(field("author", t("entry.author"), author));
      break;
    case "diagnoses": {
      if (entry.code) fields.push(field("code", t("entry.code"), entry.code));
      const status = entry.status && ACTIVE_DIAGNOSIS.has(entry.status) ? "active" : entry.status && RESOLVED_DIAGNOSIS.has(entry.status) ? "resolved" : null;
      if (status) fields.push(field("status", t("entry.status"), t(`status.diagnosis.${status}`)));
      if (entry.text) fields.push(field("note", t("entry.note"), entry.text));
      break;
    }
    case "medications":
      if (entry.text) fields.push(field("dosage", t("entry.dosage"), entry.text));
      fields.push(
        field("status", t("entry.status"), t(`status.medication.${entry.status && CURRENT_MEDICATION.has(entry.status) ? "current" : "earlier"}`)),
      );
      if (author) fields.push(field("author", t("entry.author"), author));
      break;
    case "results": {
      fields.push(
        field(
          "value",
          t("entry.value"),
          <>
            {valueText(texts, entry)} {assessmentText(texts, entry)}
          </>,
        ),
      );
      const range = rangeText(texts, entry);
      if (range) fields.push(field("range", t("entry.referenceRange"), range));
      if (entry.text) fields.push(field("note", t("entry.note"), entry.text));
      break;
    }
    case "vaccinations":
      break;
    case "allergies":
      if (entry.text) fields.push(field("reaction", t("entry.reaction"), entry.text));
      if (entry.criticality && CRITICALITIES.has(entry.criticality)) {
        fields.push(field("criticality", t("entry.status"), t(`status.criticality.${entry.criticality}`)));
      }
      break;
    case "care_contacts":
      if (entry.text) fields.push(field("reason", t("entry.reason"), entry.text));
      if (author) fields.push(field("author", t("entry.author"), author));
      break;
    case "referrals":
      fields.push(
        field("status", t("entry.status"), t(`status.referral.${entry.status && REFERRAL_STATUSES.has(entry.status) ? entry.status : "unknown"}`)),
      );
      fields.push(field("from", t("entry.from"), entry.fromUnitName ?? t("entry.unitUnknown")));
      fields.push(field("to", t("entry.to"), entry.toUnitName ?? t("entry.unitUnknown")));
      if (entry.text) fields.push(field("reason", t("entry.reason"), entry.text));
      break;
  }
  return (
    <>
      {fields.length > 0 ? <dl className="entry-fields">{fields}</dl> : null}
      {entry.section === "notes" ? (
        entry.text ? (
          <div className="note-text">{entry.text}</div>
        ) : (
          <p className="muted">{t("entry.noText")}</p>
        )
      ) : null}
    </>
  );
}

/** The entry's title; for a result with values over time, a link to its trend. */
export function entryTitle({ t }: EntryTexts, entry: EntryView, linkTrend: boolean): React.ReactNode {
  const title = entry.title ?? t("entry.untitled");
  if (linkTrend && entry.section === "results" && entry.code && entry.valueNumber !== null) {
    return (
      <Link to={`/record/results/${encodeURIComponent(entry.code)}`} aria-label={t("results.overTime", { title })}>
        {title}
      </Link>
    );
  }
  return title;
}

/** A section's entries, each with its date, unit, kind of provider and the section's own fields. */
export function EntryList({
  entries,
  headingLevel = 3,
  linkTrends = true,
}: {
  section: RecordSection;
  entries: EntryView[];
  headingLevel?: 2 | 3 | 4;
  linkTrends?: boolean;
}) {
  const Heading = `h${headingLevel}` as const;
  const texts = useEntryTexts();
  return (
    <ol className="entries">
      {entries.map((entry) => (
        <li key={entry.ref}>
          <article className="entry">
            <Heading className="entry-title">{entryTitle(texts, entry, linkTrends)}</Heading>
            {entryMeta(texts, entry)}
            {entryDetails(texts, entry)}
          </article>
        </li>
      ))}
    </ol>
  );
}
