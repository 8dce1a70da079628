import { useTranslation } from "react-i18next";
import type { RecordTexts } from "~/record/entry-texts";

/** The record's texts and the page's language, for the helpers of app/record/entry-texts.ts. */
export function useRecordTexts(): RecordTexts {
  const { t, i18n } = useTranslation("record");
  return { t, lng: i18n.language };
}
