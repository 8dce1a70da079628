import type { TFunction } from "i18next";

export interface NamedPerson {
  givenName: string | null;
  familyName: string | null;
  protectedIdentity: boolean;
}

/** A person's name for the page, "your child" for a child with protected identity, "name missing" when unknown. */
export function personName(person: NamedPerson, t: TFunction): string {
  if (person.protectedIdentity) return t("identity:header.yourChild");
  const name = [person.givenName, person.familyName].filter(Boolean).join(" ");
  return name || t("identity:header.unnamed");
}
