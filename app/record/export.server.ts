import type { Bundle, Resource } from "@medplum/fhirtypes";
import type { ExportedEntry } from "./queries.server";

/**
 * The subject's record to take away: a FHIR R4 Bundle of type "collection" holding, unchanged, the resources of exactly
 * the entries the portal shows them.
 */
export function recordBundle(entries: ExportedEntry[], now: Date): Bundle {
  return {
    resourceType: "Bundle",
    type: "collection",
    timestamp: now.toISOString(),
    meta: { lastUpdated: now.toISOString() },
    entry: entries.map((e) => ({ resource: e.resource as unknown as Resource })),
  };
}

/** "journal-2026-11-22.json" / "journal-notes-2026-11-22.json": the date only, never who it is about. */
export function exportFileName(section: string | null, now: Date): string {
  const day = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Stockholm", year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
  return `journal${section ? `-${section.replace(/[^a-z_]/g, "")}` : ""}-${day}.json`;
}
