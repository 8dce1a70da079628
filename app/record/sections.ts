import { z } from "zod";
import { recordSections, type RecordSection } from "../../db/schema/record";

/** The record's sections as the citizen meets them: stable URL slugs, in the order the navigation shows them. */
export const sectionSlugs = {
  notes: "notes",
  diagnoses: "diagnoses",
  medications: "medications",
  results: "results",
  vaccinations: "vaccinations",
  allergies: "allergies",
  care_contacts: "care-contacts",
  referrals: "referrals",
} as const satisfies Record<RecordSection, string>;

export const sectionOrder: readonly RecordSection[] = [
  "notes",
  "diagnoses",
  "medications",
  "results",
  "vaccinations",
  "allergies",
  "care_contacts",
  "referrals",
];

export function sectionPath(section: RecordSection): string {
  return `/record/${sectionSlugs[section]}`;
}

export function sectionOfSlug(slug: string | null | undefined): RecordSection | null {
  if (!slug) return null;
  const found = recordSections.find((s) => sectionSlugs[s] === slug);
  return found ?? null;
}

export const PAGE_SIZE = 25;
/** Entries per section in a printout; a longer record is printed a period at a time. */
export const PRINT_LIMIT = 500;

export const providerKindFilters = ["region", "municipality", "private", "unknown"] as const;
export type ProviderKindFilter = (typeof providerKindFilters)[number];

/** Medication statuses that mean the citizen takes it now ("current"); every other status is "earlier". */
export const CURRENT_MEDICATION_STATUSES = ["active", "on-hold", "intended"] as const;

export const medicationStatusFilters = ["current", "earlier"] as const;
export type MedicationStatusFilter = (typeof medicationStatusFilters)[number];

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((v) => {
    const d = new Date(`${v}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
  });

/** A unit's or provider's id (FHIR id syntax), or a kind of provider. */
const provider = z.union([z.enum(providerKindFilters), z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/)]);

/** Each filter falls back to "none" when it is malformed: a bad bookmark shows the unfiltered list, not an error. */
function lenient<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => (v === "" ? undefined : v), schema.optional()).catch(undefined);
}

export const sectionFilterSchema = z.object({
  from: lenient(isoDate),
  to: lenient(isoDate),
  provider: lenient(provider),
  q: lenient(z.string().trim().min(1).max(100)),
  status: lenient(z.enum(medicationStatusFilters)),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
});

export type SectionFilters = z.output<typeof sectionFilterSchema>;

/** The filters of a section page, from its query string (GET form: works without JavaScript). */
export function parseSectionFilters(params: URLSearchParams): SectionFilters {
  const raw: Record<string, string> = {};
  let given = false;
  for (const key of FILTER_KEYS) {
    const value = params.get(key);
    if (value !== null) {
      raw[key] = value;
      given = true;
    }
  }
  // Most pages are opened without filters: the schema's answer for none, without running it.
  return given ? sectionFilterSchema.parse(raw) : { ...NO_FILTERS };
}

const FILTER_KEYS = ["from", "to", "provider", "q", "status", "page"] as const;
const NO_FILTERS: SectionFilters = sectionFilterSchema.parse({});

/** Whether any filter is set (the page is not the whole section). */
export function isFiltered(filters: Partial<SectionFilters>): boolean {
  return filterQuery(filters) !== "";
}

/** The query string for the same filters on another page (paging links, print, export). */
export function filterQuery(filters: Partial<SectionFilters>, extra: Record<string, string | number | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const key of ["from", "to", "provider", "q", "status"] as const) {
    const value = filters[key];
    if (value) params.set(key, value);
  }
  for (const [key, value] of Object.entries(extra)) {
    if (value !== undefined && value !== "") params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** A result's code as it may appear in a URL (LOINC, NPU and similar codes; never anything personal). */
export const RESULT_CODE = /^[A-Za-z0-9.\-_:]{1,64}$/;
