import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { RecordSection } from "../../../db/schema/record";
import type { EntryView } from "~/record/queries.server";
import { AssessmentText, EntryMeta, useRangeText, useValueText } from "./entry-parts";

const CURRENT_MEDICATION = new Set(["active", "on-hold", "intended"]);
const ACTIVE_DIAGNOSIS = new Set(["active", "recurrence", "relapse"]);
const RESOLVED_DIAGNOSIS = new Set(["inactive", "remission", "resolved"]);
const REFERRAL_STATUSES = new Set(["draft", "active", "on-hold", "revoked", "completed"]);
const CRITICALITIES = new Set(["high", "low", "unable-to-assess"]);

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** The fields a section shows beyond date, unit and provider. */
function EntryDetails({ entry }: { entry: EntryView }) {
  const { t } = useTranslation("record");
  const rangeText = useRangeText();
  const valueText = useValueText();
  const author = entry.authorName
    ? entry.authorProfession
      ? t("entry.authorWithProfession", { name: entry.authorName, profession: entry.authorProfession })
      : entry.authorName
    : null;
  const fields: React.ReactNode[] = [];
  switch (entry.section) {
    case "notes":
      if (author) fields.push(<Field key="author" label={t("entry.author")}>{author}</Field>);
      break;
    case "diagnoses": {
      if (entry.code) fields.push(<Field key="code" label={t("entry.code")}>{entry.code}</Field>);
      const status = entry.status && ACTIVE_DIAGNOSIS.has(entry.status) ? "active" : entry.status && RESOLVED_DIAGNOSIS.has(entry.status) ? "resolved" : null;
      if (status) fields.push(<Field key="status" label={t("entry.status")}>{t(`status.diagnosis.${status}`)}</Field>);
      if (entry.text) fields.push(<Field key="note" label={t("entry.note")}>{entry.text}</Field>);
      break;
    }
    case "medications":
      if (entry.text) fields.push(<Field key="dosage" label={t("entry.dosage")}>{entry.text}</Field>);
      fields.push(
        <Field key="status" label={t("entry.status")}>
          {t(`status.medication.${entry.status && CURRENT_MEDICATION.has(entry.status) ? "current" : "earlier"}`)}
        </Field>,
      );
      if (author) fields.push(<Field key="author" label={t("entry.author")}>{author}</Field>);
      break;
    case "results": {
      fields.push(
        <Field key="value" label={t("entry.value")}>
          {valueText(entry)} <AssessmentText measured={entry} />
        </Field>,
      );
      const range = rangeText(entry);
      if (range) fields.push(<Field key="range" label={t("entry.referenceRange")}>{range}</Field>);
      if (entry.text) fields.push(<Field key="note" label={t("entry.note")}>{entry.text}</Field>);
      break;
    }
    case "vaccinations":
      break;
    case "allergies":
      if (entry.text) fields.push(<Field key="reaction" label={t("entry.reaction")}>{entry.text}</Field>);
      if (entry.criticality && CRITICALITIES.has(entry.criticality)) {
        fields.push(<Field key="criticality" label={t("entry.status")}>{t(`status.criticality.${entry.criticality}`)}</Field>);
      }
      break;
    case "care_contacts":
      if (entry.text) fields.push(<Field key="reason" label={t("entry.reason")}>{entry.text}</Field>);
      if (author) fields.push(<Field key="author" label={t("entry.author")}>{author}</Field>);
      break;
    case "referrals":
      fields.push(
        <Field key="status" label={t("entry.status")}>
          {t(`status.referral.${entry.status && REFERRAL_STATUSES.has(entry.status) ? entry.status : "unknown"}`)}
        </Field>,
      );
      fields.push(<Field key="from" label={t("entry.from")}>{entry.fromUnitName ?? t("entry.unitUnknown")}</Field>);
      fields.push(<Field key="to" label={t("entry.to")}>{entry.toUnitName ?? t("entry.unitUnknown")}</Field>);
      if (entry.text) fields.push(<Field key="reason" label={t("entry.reason")}>{entry.text}</Field>);
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

export function EntryTitle({ entry, linkTrend }: { entry: EntryView; linkTrend: boolean }) {
  const { t } = useTranslation("record");
  const title = entry.title ?? t("entry.untitled");
  if (linkTrend && entry.section === "results" && entry.code && entry.valueNumber !== null) {
    return (
      <Link to={`/record/results/${encodeURIComponent(entry.code)}`} aria-label={t("results.overTime", { title })}>
        {title}
      </Link>
    );
  }
  return <>{title}</>;
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
  return (
    <ol className="entries">
      {entries.map((entry) => (
        <li key={entry.ref}>
          <article className="entry">
            <Heading className="entry-title">
              <EntryTitle entry={entry} linkTrend={linkTrends} />
            </Heading>
            <EntryMeta occurredAt={entry.occurredAt} careUnitName={entry.careUnitName} providerKind={entry.providerKind} />
            <EntryDetails entry={entry} />
          </article>
        </li>
      ))}
    </ol>
  );
}
