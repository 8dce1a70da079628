/**
 * The read model's fixed vocabularies, without the table definitions: the browser's code may import these (a record
 * page's links name its sections) without taking drizzle along.
 */

export const recordSections = [
  "notes",
  "diagnoses",
  "results",
  "medications",
  "allergies",
  "vaccinations",
  "care_contacts",
  "referrals",
] as const;
export type RecordSection = (typeof recordSections)[number];

export const providerKinds = ["region", "municipality", "private", "unknown"] as const;
export type ProviderKind = (typeof providerKinds)[number];

/** A stored provider kind as one the portal knows ("unknown" for anything else, or none). */
export function providerKindOf(value: string | null): ProviderKind {
  return (providerKinds as readonly string[]).includes(value ?? "") ? (value as ProviderKind) : "unknown";
}
