import { useRouteLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { HeaderIdentity, PersonLabel } from "./header.server";
import { personName } from "./person-name";

/** Whose data is on screen (from the root loader's header identity); null when nobody is logged in. */
function useSubject(): PersonLabel | null {
  const root = useRouteLoaderData<{ identity: HeaderIdentity | null }>("root");
  return root?.identity?.subject ?? null;
}

/**
 * Texts that name the subject when it is not the person logged in: `title(text)` turns a page title into "Notes for
 * Elsa Svensson", and `context` is i18next's options for a text with a `_for` variant ("Du har 2 bokade besök" /
 * "Det finns 2 bokade besök för Elsa Svensson"). For the person themself both leave the text as it is.
 */
export function useSubjectTexts(): { title: (text: string) => string; context: { context?: "for"; name?: string } } {
  const subject = useSubject();
  const { t } = useTranslation("identity");
  if (!subject || subject.self) return { title: (text) => text, context: {} };
  const name = personName(subject, t);
  return { title: (text) => t("subject.titleFor", { title: text, name }), context: { context: "for", name } };
}
