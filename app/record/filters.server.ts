import { z } from "zod";
import { medicationStatusFilters, providerKindFilters, type SectionFilters } from "./sections";

/**
 * A section page's filters from its query string. On the server only: the schema would ship zod to the browser with
 * every record page.
 */

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
