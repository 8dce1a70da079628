import { index, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { fhirColumns } from "./columns";

export const providerKinds = ["region", "municipality", "private", "unknown"] as const;
export type ProviderKind = (typeof providerKinds)[number];

/** Care units and the providers they belong to (FHIR Organization; a provider is a unit without a parent). */
export const careUnits = pgTable(
  "care_units",
  {
    ...fhirColumns(),
    hsaId: text("hsa_id"),
    name: text("name").notNull(),
    providerKind: text("provider_kind").$type<ProviderKind>().notNull().default("unknown"),
    parentId: text("parent_id"),
    phone: text("phone"),
    city: text("city"),
  },
  (t) => [primaryKey({ columns: [t.id] }), index("care_units_hsa_idx").on(t.hsaId), index("care_units_parent_idx").on(t.parentId)],
);

/** Practitioners (FHIR Practitioner); profession from qualification or PractitionerRole. */
export const practitioners = pgTable(
  "practitioners",
  {
    ...fhirColumns(),
    hsaId: text("hsa_id"),
    name: text("name"),
    profession: text("profession"),
  },
  (t) => [primaryKey({ columns: [t.id] })],
);
