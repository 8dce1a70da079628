import { Form, Link } from "@remix-run/react";
import { useId } from "react";
import { useTranslation } from "react-i18next";
import { fieldAria, FieldMessage } from "~/components/field-error";
import type { FieldError } from "~/utils/query-fields";
import { AttachmentsField, MessageTextField, type WriteLimits } from "./message-text-field";

interface Topic {
  code: string;
  display: string;
  region: boolean;
}

export interface UnitToWrite {
  id: string;
  name: string;
  providerKind: string;
  answerWorkingDays: number | null;
  topics: Topic[];
}

export interface NewMessagePage {
  units: UnitToWrite[];
  unit: UnitToWrite | null;
  unitError: FieldError | null;
  subject: string;
  formToken: string;
  values: { topic: string; body: string };
  restored: boolean;
  limits: WriteLimits;
}

export interface NewMessageRefusal {
  errors: Partial<Record<"unit" | "topic" | "body" | "attachments" | "form", FieldError>>;
  values: { unit: string; topic: string; body: string };
  formToken: string;
  filesDropped: boolean;
}

/** Step 1: the units the subject may write to, each a link to its form (works without JavaScript). */
export function UnitList({ units, error }: { units: UnitToWrite[]; error: FieldError | null }) {
  const { t } = useTranslation("messages");
  const id = useId();
  return (
    <section aria-labelledby={`${id}-units`}>
      <h2 id={`${id}-units`}>{t("write.chooseUnit")}</h2>
      <FieldMessage id={`${id}-unit-error`} error={error ?? undefined} />
      {units.length === 0 ? (
        <p>{t("write.noUnits")}</p>
      ) : (
        <ul className="unit-list" aria-describedby={error ? `${id}-unit-error` : undefined}>
          {units.map((u) => (
            <li key={u.id}>
              <Link to={`?unit=${encodeURIComponent(u.id)}`}>{u.name}</Link> · {t(`record:provider.${u.providerKind}`)}
              {u.answerWorkingDays ? <> · {t("write.answerTime", { count: u.answerWorkingDays })}</> : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Step 2: the topic, the text, the files and the stated limits, for the unit chosen. */
export function NewMessageForm({ page, unit, refusal }: { page: NewMessagePage; unit: UnitToWrite; refusal: NewMessageRefusal | null }) {
  const { t } = useTranslation("messages");
  const id = useId();
  const errors = refusal?.errors ?? {};
  const topic = refusal?.values.topic ?? page.values.topic;
  const unitError = errors.unit;
  return (
    <Form method="post" encType="multipart/form-data" noValidate>
      <input type="hidden" name="subject" value={page.subject} />
      <input type="hidden" name="formToken" value={refusal?.formToken ?? page.formToken} />
      <input type="hidden" name="unit" value={unit.id} />
      <FieldMessage id={`${id}-form-error`} error={errors.form} />
      <p id={`${id}-unit`}>
        {t("write.to")} <strong>{unit.name}</strong> ({t(`record:provider.${unit.providerKind}`)}) <Link to=".">{t("write.otherUnit")}</Link>
      </p>
      <FieldMessage id={`${id}-unit-error`} error={unitError} />
      {unit.answerWorkingDays ? <p className="hint">{t("write.answerTime", { count: unit.answerWorkingDays })}</p> : null}
      <div className="field">
        <label htmlFor={`${id}-topic`}>{t("write.topic")}</label>
        <select id={`${id}-topic`} name="topic" required defaultValue={topic} {...fieldAria(errors.topic, `${id}-topic-error`)}>
          <option value="">{t("write.chooseTopic")}</option>
          {unit.topics.map((o) => (
            <option key={o.code} value={o.code}>
              {o.region ? t(`write.topics.${o.code}`, { defaultValue: o.display }) : o.display}
            </option>
          ))}
        </select>
        <FieldMessage id={`${id}-topic-error`} error={errors.topic} />
      </div>
      <MessageTextField id={id} label={t("write.body")} defaultValue={refusal?.values.body ?? page.values.body} error={errors.body} limits={page.limits} />
      <AttachmentsField id={id} error={errors.attachments} limits={page.limits} filesDropped={refusal?.filesDropped ?? false} />
      <button type="submit" className="button button--primary">
        {t("write.send")}
      </button>
    </Form>
  );
}
