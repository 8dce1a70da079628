import { z } from "zod";

/**
 * The R4 rules (required elements, cardinalities, value sets of status codes) of the resource types the record
 * exports, and of the Bundle around them: what a receiving system checks first. Elements not listed pass unchanged.
 */

const id = z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/);
const instant = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/);
const dateTime = z.string().regex(/^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2}))?)?)?$/);
const coding = z.looseObject({ system: z.string().optional(), code: z.string().optional(), display: z.string().optional() });
const concept = z
  .looseObject({ coding: z.array(coding).min(1).optional(), text: z.string().optional() })
  .refine((c) => c.coding !== undefined || c.text !== undefined, "a CodeableConcept needs a coding or a text");
const reference = z
  .looseObject({ reference: z.string().optional(), identifier: z.looseObject({}).optional(), display: z.string().optional() })
  .refine((r) => r.reference || r.identifier || r.display, "a Reference needs a reference, identifier or display");
const meta = z.looseObject({ versionId: id.optional(), lastUpdated: instant.optional() }).optional();

function resource<T extends z.core.$ZodLooseShape>(type: string, shape: T) {
  return z.looseObject({ resourceType: z.literal(type), id, meta, ...shape });
}

function exactlyOne(keys: string[]) {
  return (r: Record<string, unknown>) => keys.filter((k) => r[k] !== undefined).length === 1;
}

export const r4Schemas = {
  DocumentReference: resource("DocumentReference", {
    status: z.enum(["current", "superseded", "entered-in-error"]),
    docStatus: z.enum(["preliminary", "final", "amended", "entered-in-error"]).optional(),
    subject: reference.optional(),
    date: instant.optional(),
    content: z.array(z.looseObject({ attachment: z.looseObject({ contentType: z.string().optional(), data: z.string().optional() }) })).min(1),
  }),
  Composition: resource("Composition", {
    status: z.enum(["preliminary", "final", "amended", "entered-in-error"]),
    type: concept,
    date: dateTime,
    author: z.array(reference).min(1),
    title: z.string().min(1),
  }),
  Condition: resource("Condition", { subject: reference, code: concept.optional(), clinicalStatus: concept.optional() }),
  Observation: resource("Observation", {
    status: z.enum(["registered", "preliminary", "final", "amended", "corrected", "cancelled", "entered-in-error", "unknown"]),
    code: concept,
    subject: reference.optional(),
  }),
  DiagnosticReport: resource("DiagnosticReport", {
    status: z.enum(["registered", "partial", "preliminary", "final", "amended", "corrected", "appended", "cancelled", "entered-in-error", "unknown"]),
    code: concept,
  }),
  MedicationRequest: resource("MedicationRequest", {
    status: z.enum(["active", "on-hold", "cancelled", "completed", "entered-in-error", "stopped", "draft", "unknown"]),
    intent: z.enum(["proposal", "plan", "order", "original-order", "reflex-order", "filler-order", "instance-order", "option"]),
    subject: reference,
    medicationCodeableConcept: concept.optional(),
    medicationReference: reference.optional(),
  }).refine(exactlyOne(["medicationCodeableConcept", "medicationReference"]), "medication[x] is required"),
  MedicationStatement: resource("MedicationStatement", {
    status: z.enum(["active", "completed", "entered-in-error", "intended", "stopped", "on-hold", "unknown", "not-taken"]),
    subject: reference,
    medicationCodeableConcept: concept.optional(),
    medicationReference: reference.optional(),
  }).refine(exactlyOne(["medicationCodeableConcept", "medicationReference"]), "medication[x] is required"),
  AllergyIntolerance: resource("AllergyIntolerance", { patient: reference, code: concept.optional() }),
  Immunization: resource("Immunization", {
    status: z.enum(["completed", "entered-in-error", "not-done"]),
    vaccineCode: concept,
    patient: reference,
    occurrenceDateTime: dateTime.optional(),
    occurrenceString: z.string().optional(),
  }).refine(exactlyOne(["occurrenceDateTime", "occurrenceString"]), "occurrence[x] is required"),
  Encounter: resource("Encounter", {
    status: z.enum(["planned", "arrived", "triaged", "in-progress", "onleave", "finished", "cancelled", "entered-in-error", "unknown"]),
    class: coding,
    subject: reference.optional(),
  }),
  ServiceRequest: resource("ServiceRequest", {
    status: z.enum(["draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown"]),
    intent: z.enum(["proposal", "plan", "directive", "order", "original-order", "reflex-order", "filler-order", "instance-order", "option"]),
    subject: reference,
  }),
} as const;

export type ExportedType = keyof typeof r4Schemas;

export const r4Bundle = z.looseObject({
  resourceType: z.literal("Bundle"),
  type: z.literal("collection"),
  timestamp: instant,
  entry: z.array(z.looseObject({ resource: z.looseObject({ resourceType: z.string(), id }) })),
});

/** The problems of a bundle: the Bundle's own shape, and each resource against its type's rules. Empty when valid. */
export function r4Problems(bundle: unknown): string[] {
  const outer = r4Bundle.safeParse(bundle);
  if (!outer.success) return outer.error.issues.map((i) => `Bundle.${i.path.join(".")}: ${i.message}`);
  const problems: string[] = [];
  outer.data.entry.forEach((entry, index) => {
    const type = entry.resource.resourceType;
    const schema = (r4Schemas as Record<string, z.ZodType>)[type];
    if (!schema) {
      problems.push(`Bundle.entry[${index}]: ${type} is not a record type`);
      return;
    }
    const result = schema.safeParse(entry.resource);
    if (!result.success) {
      for (const issue of result.error.issues) problems.push(`${type}/${entry.resource.id} ${issue.path.join(".")}: ${issue.message}`);
    }
  });
  return problems;
}
