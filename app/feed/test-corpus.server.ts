import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Database } from "../../db/connection";
import { listInputFiles, readInputFile } from "./files.server";
import { emptyReport, ingestStream, mergeReports, type IngestReport } from "./ingest.server";

/**
 * External FHIR data nobody on this project wrote, for tests: 37 Synthea patient bundles (US, transaction Bundles with
 * urn:uuid: references) and the HL7 Sweden base-profile examples (single resources). The corpus sits beside the
 * repository (../shared/corpus from its root), as CI checks it out.
 */
export const corpusDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../shared/corpus");
export const syntheaDir = path.join(corpusDir, "synthea");
export const swedenDir = path.join(corpusDir, "sweden");

/** Every file of a corpus folder through the feed, as the importer reads them. */
export async function ingestCorpusFolder(db: Database, folder: string): Promise<IngestReport> {
  const total = emptyReport();
  for (const file of await listInputFiles([folder])) {
    mergeReports(total, await ingestStream(db, readInputFile(file), { source: `corpus:${path.basename(file.path)}`, batchSize: 250 }));
  }
  return total;
}
