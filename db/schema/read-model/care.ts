import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { fhirColumns } from "./columns";

import type { ProviderKind } from "../vocabulary";

/**
 * Care units and the providers they belong to (FHIR Organization; a provider is a unit without a parent).
 * `provider_kind` and `provider_id` are derived by the feed from the `partOf` chain: the unit's own kind, else its
 * nearest ancestor's; `provider_id` is the root of the chain (the unit itself when it has no parent).
 */
export const careUnits = pgTable(
  "care_units",
  {
    ...fhirColumns(),
    hsaId: text("hsa_id"),
    /** Organization.name; the HSA-id or id when the clinical system sent no name. */
    name: text("name").notNull(),
    providerKind: text("provider_kind").$type<ProviderKind>().notNull().default("unknown"),
    /** The kind given on the Organization itself (null when it inherits from its parent). */
    ownProviderKind: text("own_provider_kind").$type<ProviderKind>(),
    parentId: text("parent_id"),
    parentReference: text("parent_reference"),
    providerId: text("provider_id"),
    phone: text("phone"),
    city: text("city"),
    /** The visiting address as one line (street, postal code and city), from the first address with lines. */
    address: text("address"),
    /** Anyone may write to the unit, not only those in its care (extension open-messaging). */
    openMessaging: boolean("open_messaging").notNull().default(false),
    /** The topics a message to the unit may have (extension message-topic, one per topic); null: the region's list. */
    messageTopics: jsonb("message_topics").$type<{ code: string; display: string }[]>(),
    /** The answer time the unit states, in working days (extension answer-time). */
    answerWorkingDays: integer("answer_working_days"),
  },
  (t) => [
    primaryKey({ columns: [t.id] }),
    index("care_units_hsa_idx").on(t.hsaId),
    index("care_units_parent_idx").on(t.parentId),
    index("care_units_provider_idx").on(t.providerId),
    index("care_units_parent_ref_idx").on(t.parentReference).where(sql`${t.parentId} is null and ${t.parentReference} is not null`),
  ],
);

/** Practitioners (FHIR Practitioner); profession from qualification. */
export const practitioners = pgTable(
  "practitioners",
  {
    ...fhirColumns(),
    hsaId: text("hsa_id"),
    name: text("name"),
    profession: text("profession"),
  },
  (t) => [primaryKey({ columns: [t.id] }), index("practitioners_hsa_idx").on(t.hsaId)],
);
