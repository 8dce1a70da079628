import { useState } from "react";
import { useTranslation } from "react-i18next";
import { fieldAria, FieldMessage } from "~/components/field-error";
import { formatNumber } from "~/i18n/format";
import { characterCount } from "~/messages/limits";
import type { FieldError } from "~/utils/query-fields";

export interface WriteLimits {
  maxCharacters: number;
  maxFiles: number;
  maxFileMegabytes: number;
  accept: string;
}

/**
 * The message's text with its counter ("N characters left", announced politely as it changes: with JavaScript), and
 * its error (without JavaScript the server says by how much a text is too long). No maxlength: a pasted text that is
 * too long stays whole, to be shortened, rather than being cut without a word.
 */
export function MessageTextField({ id, defaultValue, error, limits, label }: { id: string; defaultValue: string; error: FieldError | undefined; limits: WriteLimits; label: string }) {
  const { t, i18n } = useTranslation("messages");
  const [count, setCount] = useState(() => characterCount(defaultValue));
  const left = limits.maxCharacters - count;
  return (
    <div className="field">
      <label htmlFor={`${id}-body`}>{label}</label>
      <p className="hint" id={`${id}-body-hint`}>
        {t("write.bodyHint", { max: formatNumber(limits.maxCharacters, i18n.language) })}
      </p>
      <textarea
        id={`${id}-body`}
        name="body"
        rows={10}
        required
        defaultValue={defaultValue}
        onChange={(event) => setCount(characterCount(event.currentTarget.value))}
        {...fieldAria(error, `${id}-body-error`, `${id}-body-hint`, `${id}-counter`)}
      />
      <p className={left < 0 ? "counter counter--over" : "counter"} id={`${id}-counter`} aria-live="polite">
        {left >= 0 ? t("write.charactersLeft", { count: left, formatted: formatNumber(left, i18n.language) }) : t("write.charactersOver", { count: -left, formatted: formatNumber(-left, i18n.language) })}
      </p>
      <FieldMessage id={`${id}-body-error`} error={error} />
    </div>
  );
}

/** The file input (several at once), its stated limits, and a word when files chosen before must be chosen again. */
export function AttachmentsField({ id, error, limits, filesDropped }: { id: string; error: FieldError | undefined; limits: WriteLimits; filesDropped: boolean }) {
  const { t } = useTranslation("messages");
  return (
    <div className="field">
      <label htmlFor={`${id}-attachments`}>{t("attachments.label")}</label>
      <p className="hint" id={`${id}-attachments-hint`}>
        {t("attachments.hint", { count: limits.maxFiles, megabytes: limits.maxFileMegabytes })}
      </p>
      {filesDropped ? (
        <p className="hint" id={`${id}-attachments-again`}>
          {t("attachments.chooseAgain")}
        </p>
      ) : null}
      <input
        id={`${id}-attachments`}
        type="file"
        name="attachments"
        multiple
        accept={limits.accept}
        {...fieldAria(error, `${id}-attachments-error`, `${id}-attachments-hint`, ...(filesDropped ? [`${id}-attachments-again`] : []))}
      />
      <FieldMessage id={`${id}-attachments-error`} error={error} />
    </div>
  );
}
