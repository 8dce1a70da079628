import { useTranslation } from "react-i18next";
import { formatNumber } from "~/i18n/format";
import { isCalendarDate, type FieldError } from "~/utils/query-fields";

/**
 * How a filter form names a field it could not use (app/utils/query-fields.ts): the message under the field, the
 * field described by it and marked invalid. One way for every form that filters a list.
 */

/** A field's error in the reader's language, its numbers formatted for it. */
export function useFieldMessage(): (error: FieldError) => string {
  const { t, i18n } = useTranslation();
  return (error) => {
    const values: Record<string, string | number> = {};
    for (const [name, value] of Object.entries(error.values ?? {})) values[name] = typeof value === "number" ? formatNumber(value, i18n.language) : value;
    if (typeof error.values?.count === "number") values.count = error.values.count;
    return t(error.key, values);
  };
}

/** The message under a field given but not used; nothing when there is none. */
export function FieldMessage({ id, error }: { id: string; error: FieldError | undefined }) {
  const message = useFieldMessage();
  return error ? (
    <p className="field-error" id={id}>
      {message(error)}
    </p>
  ) : null;
}

/** A field's ARIA: described by its hints and, when it has one, its error (FieldMessage's id); invalid then. */
export function fieldAria(error: FieldError | undefined, errorId: string, ...hintIds: string[]) {
  const ids = error ? [...hintIds, errorId] : hintIds;
  return { "aria-describedby": ids.length > 0 ? ids.join(" ") : undefined, "aria-invalid": error ? true : undefined };
}

/**
 * A date field's type: a date, unless it holds text that is not one. A browser empties a date field given such a
 * value; as text, what was typed stays, to be corrected.
 */
export function dateFieldType(value: string | undefined): "date" | "text" {
  return !value || isCalendarDate(value) ? "date" : "text";
}
