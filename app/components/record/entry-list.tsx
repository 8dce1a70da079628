import { Link } from "@remix-run/react";
import type { ProviderKind } from "../../../db/schema/vocabulary";
import { formatDate } from "~/i18n/format";
import { entryFields, hasTrend, trendPath, type AssessmentWords, type RecordTexts } from "~/record/entry-texts";
import type { EntryView } from "~/record/queries.server";
import { useRecordTexts } from "./texts";

/** The assessment in words, with a shape for those who scan; never colour alone. */
export function AssessmentText({ assessment }: { assessment: AssessmentWords }) {
  return (
    <span className={assessment.outside ? "assessment assessment--outside" : "assessment"}>
      {assessment.symbol ? <span aria-hidden="true">{`${assessment.symbol} `}</span> : null}
      {assessment.words}
    </span>
  );
}

/** When, where and from which kind of provider: what every entry shows, so the record reads as one from many. */
export function EntryMeta({ entry }: { entry: { occurredAt: string | null; careUnitName: string | null; providerKind: ProviderKind } }) {
  const { t, lng } = useRecordTexts();
  return (
    <dl className="entry-meta">
      <div>
        <dt>{t("entry.date")}</dt>
        <dd>{entry.occurredAt ? <time dateTime={entry.occurredAt}>{formatDate(entry.occurredAt, lng)}</time> : t("entry.dateUnknown")}</dd>
      </div>
      <div>
        <dt>{t("entry.unit")}</dt>
        <dd>{entry.careUnitName ?? t("entry.unitUnknown")}</dd>
      </div>
      <div>
        <dt>{t("entry.providerKind")}</dt>
        <dd>
          <span className={`provider provider--${entry.providerKind}`}>{t(`provider.${entry.providerKind}`)}</span>
        </dd>
      </div>
    </dl>
  );
}

/** The entry's title; for a result with values over time, a link to them. */
export function EntryTitle({ entry }: { entry: EntryView }) {
  const { t } = useRecordTexts();
  const title = entry.title ?? t("entry.untitled");
  if (!hasTrend(entry)) return title;
  return (
    <Link to={trendPath(entry.code)} aria-label={t("results.overTime", { title })}>
      {title}
    </Link>
  );
}

function EntryDetails({ texts, entry }: { texts: RecordTexts; entry: EntryView }) {
  const fields = entryFields(texts, entry);
  return (
    <>
      {fields.length > 0 ? (
        <dl className="entry-fields">
          {fields.map((field) => (
            <div key={field.key}>
              <dt>{field.label}</dt>
              <dd>
                {field.text}
                {field.assessment ? <> <AssessmentText assessment={field.assessment} /></> : null}
              </dd>
            </div>
          ))}
        </dl>
      ) : null}
      {entry.section !== "notes" ? null : entry.text ? (
        <div className="note-text">{entry.text}</div>
      ) : (
        <p className="muted">{texts.t("entry.noText")}</p>
      )}
    </>
  );
}

/** A page of a section's entries, newest first, each with its date, unit, kind of provider and the section's fields. */
export function EntryList({ entries }: { entries: readonly EntryView[] }) {
  const texts = useRecordTexts();
  return (
    <ol className="entries">
      {entries.map((entry) => (
        <li key={entry.ref}>
          <article className="entry">
            <h3 className="entry-title">
              <EntryTitle entry={entry} />
            </h3>
            <EntryMeta entry={entry} />
            <EntryDetails texts={texts} entry={entry} />
          </article>
        </li>
      ))}
    </ol>
  );
}
