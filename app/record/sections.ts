import { recordSections, type RecordSection } from "../../db/schema/vocabulary";
import type { FieldErrors } from "~/utils/query-fields";

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

/** A section page's filters, as parsed from its query string (filters.server.ts). */
export interface SectionFilters {
  from?: string;
  to?: string;
  provider?: string;
  q?: string;
  status?: MedicationStatusFilter;
  page: number;
}

/** The notes' search text: at most this many characters. */
export const SEARCH_MAX = 100;

/**
 * A section page's filters as the address gave them (filters.server.ts): those that apply, what was typed in the
 * text fields (shown again, to be corrected), and why a filter given was not applied, at its field.
 */
export interface SectionFilterInput {
  filters: SectionFilters;
  typed: { from?: string; to?: string; q?: string };
  errors: FieldErrors<"from" | "to" | "provider" | "q" | "status" | "page">;
}

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
