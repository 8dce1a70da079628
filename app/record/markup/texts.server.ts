import type { Language } from "~/i18n/config";
import { i18nFor, languageOf } from "~/i18n/i18next.server";
import type { RecordTexts } from "../entry-texts";

/** The record's texts in the request's language, for the markup the server builds (the trend, the printout). */
export async function recordTexts(request: Request): Promise<RecordTexts> {
  return textsIn(await languageOf(request));
}

export function textsIn(lng: Language): RecordTexts {
  return { t: i18nFor(lng).getFixedT(lng, "record"), lng };
}
