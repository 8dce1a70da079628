import type { RecordSection } from "../../db/schema/vocabulary";
import { pastTheEnd, readChoice, readPage, readPeriod, readText } from "~/utils/query-fields";
import { medicationStatusFilters, SEARCH_MAX, type SectionFilterInput, type SectionFilters } from "./sections";

/** A unit's or provider's id (FHIR id syntax), or a kind of provider. */
const PROVIDER = /^[A-Za-z0-9\-.]{1,64}$/;

/**
 * The filters of a section page from its query string (GET form: works without JavaScript), or of every section's
 * (`null`: the printout and the download). Each filter given but unusable is named at its field and not applied; the
 * rest applies. The search is the notes' and the status the medications': another section reads neither.
 * Whether a provider is among the section's, and the page within its list, the read decides (pages.server.ts).
 */
export function parseSectionFilters(params: URLSearchParams, section: RecordSection | null): SectionFilterInput {
  const period = readPeriod(params);
  const page = readPage(params);
  const input: SectionFilterInput = {
    filters: { from: period.from, to: period.to, page: page.page },
    typed: { ...period.typed },
    errors: { ...period.errors, page: page.error },
  };
  const provider = params.get("provider")?.trim();
  if (provider && PROVIDER.test(provider)) input.filters.provider = provider;
  else if (provider) input.errors.provider = { key: "record:filters.errors.provider" };
  if (section === "notes" || section === null) {
    const q = readText(params, "q", SEARCH_MAX);
    input.filters.q = q.value;
    input.typed.q = q.typed;
    input.errors.q = q.error;
  }
  if (section === "medications" || section === null) {
    const status = readChoice(params, "status", medicationStatusFilters, "record:filters.errors.status");
    input.filters.status = status.value;
    input.errors.status = status.error;
  }
  return input;
}

/** What the read could not apply as asked, named at its field: a provider the section does not offer, a page past the list's end. */
export function notApplied(asked: SectionFilters, applied: SectionFilters): SectionFilterInput["errors"] {
  const errors: SectionFilterInput["errors"] = {};
  if (asked.provider && !applied.provider) errors.provider = { key: "record:filters.errors.provider" };
  if (applied.page < asked.page) errors.page = pastTheEnd(asked.page, applied.page);
  return errors;
}
