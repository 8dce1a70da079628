import type { OperationOutcome } from "@medplum/fhirtypes";
import { z } from "zod";
import { ndjsonStreamEntries } from "~/feed/files.server";
import { emptyReport, ingestStream, mergeReports, type IngestReport } from "~/feed/ingest.server";
import { logger } from "~/utils/logger";
import type { Database } from "../../../db/connection";
import type { ClinicalClient } from "../client.server";
import { ClinicalError, retryAfterMs, systemClock, type Clock } from "../http.server";
import { advanceCursor, recordError, recordSuccess } from "./state.server";

/**
 * The reconciliation: everything the clinical system holds about a group of patients, by Bulk Data
 * `Group/{id}/$export` (STU 1.0.1), brought in through the feed's one way in (source "reconcile"), so that what the
 * poller missed, and what was never pushed, is there after it. What the read model already has is a no-op (the
 * version rule); nothing is removed.
 *
 * 1. Kick-off: GET `Group/{id}/$export` with `Prefer: respond-async` → 202 and Content-Location (the status URL). A 429
 *    (one export at a time per client) is waited out as Retry-After says.
 * 2. Status: GET the status URL until 200 and the manifest, waiting between as each 202's Retry-After says (Millennium
 *    says 600 s), each wait at most `maxWaitMs`, all of it within `deadlineMs`. A 5xx is asked again after a wait.
 * 3. Files: each output is downloaded with `client.download(url, { requiresAccessToken })` as the manifest says. The
 *    client follows the 307 to the pre-signed URL itself and never sends the token there. Each file's NDJSON is
 *    read line by line as it arrives (flat memory, files up to 50 MB gzipped) into ingestStream.
 * 4. The export is deleted at the clinical system (DELETE on the status URL), and the group's stream row
 *    (`reconcile:Group/{id}`) records the export's transactionTime as its cursor, and the success or the error.
 */

export type BulkClient = Pick<ClinicalClient, "raw" | "download">;

export interface ReconcileOptions {
  db: Database;
  client: BulkClient;
  groupId: string;
  /** `_type`: only these resource types (default: all the export gives). */
  types?: readonly string[];
  /** `_since`: only what changed after this instant. */
  since?: string;
  /** The longest wait between two status requests (default 10 min, Millennium's Retry-After). */
  maxWaitMs?: number;
  /** The wait when a 202 gives no Retry-After (default 10 s). */
  defaultWaitMs?: number;
  /** How long the whole export may take, kick-off to the last file (default 6 h). */
  deadlineMs?: number;
  /** A file's download, body included (default 30 min). */
  downloadTimeoutMs?: number;
  clock?: Clock;
  onProgress?: (event: { phase: "kick-off" | "waiting" | "file"; detail?: string; waitMs?: number; report?: IngestReport }) => void;
}

export interface ReconcileResult {
  groupId: string;
  transactionTime: string;
  files: { type: string; report: IngestReport }[];
  /** The manifest's error files (OperationOutcomes), as counted. */
  errorFiles: number;
  report: IngestReport;
}

const manifestSchema = z.object({
  transactionTime: z.string(),
  requiresAccessToken: z.boolean().default(true),
  output: z.array(z.object({ type: z.string(), url: z.string().min(1), count: z.number().optional() })),
  error: z.array(z.object({ type: z.string(), url: z.string() })).default([]),
});

const ID = /^[A-Za-z0-9\-.]{1,64}$/;

async function outcomeOf(response: Response): Promise<OperationOutcome | undefined> {
  const text = await response.text().catch(() => "");
  try {
    const body = JSON.parse(text) as OperationOutcome;
    return body.resourceType === "OperationOutcome" ? body : undefined;
  } catch {
    return undefined;
  }
}

async function refusal(response: Response, what: string, clock: Clock): Promise<ClinicalError> {
  return new ClinicalError("status", `${what} answered ${response.status}`, {
    status: response.status,
    outcome: await outcomeOf(response),
    retryAfterMs: retryAfterMs(response.headers.get("retry-after"), clock.now()),
  });
}

export async function reconcileGroup(options: ReconcileOptions): Promise<ReconcileResult> {
  const { db, client, groupId } = options;
  const clock = options.clock ?? systemClock;
  const maxWaitMs = options.maxWaitMs ?? 600_000;
  const defaultWaitMs = options.defaultWaitMs ?? 10_000;
  const deadline = clock.now() + (options.deadlineMs ?? 6 * 3_600_000);
  const stream = `reconcile:Group/${groupId}`;
  if (!ID.test(groupId)) throw new ClinicalError("protocol", "not a FHIR id for a Group");

  /** Waits as asked, but never past the deadline nor longer than maxWaitMs. */
  const wait = async (askedMs: number | undefined, detail: string) => {
    const ms = Math.min(askedMs ?? defaultWaitMs, maxWaitMs);
    if (clock.now() + ms > deadline) throw new ClinicalError("timeout", `the export of Group/${groupId} did not finish before its deadline`);
    options.onProgress?.({ phase: "waiting", detail, waitMs: ms });
    await clock.sleep(ms);
  };

  try {
    const query = new URLSearchParams();
    if (options.types?.length) query.set("_type", options.types.join(","));
    if (options.since) query.set("_since", options.since);
    const kickOffPath = `Group/${groupId}/$export${query.size ? `?${query.toString()}` : ""}`;
    let statusUrl: string | undefined;
    while (!statusUrl) {
      options.onProgress?.({ phase: "kick-off" });
      const response = await client.raw({ method: "GET", path: kickOffPath, headers: { accept: "application/fhir+json", prefer: "respond-async" } });
      if (response.status === 202) {
        await response.body?.cancel().catch(() => {});
        statusUrl = response.headers.get("content-location") ?? undefined;
        if (!statusUrl) throw new ClinicalError("protocol", "the export's kick-off answered 202 without Content-Location");
      } else if (response.status === 429 || response.status >= 500) {
        const error = await refusal(response, "$export", clock);
        await wait(error.retryAfterMs, `kick-off answered ${response.status}`);
      } else {
        throw await refusal(response, "$export", clock);
      }
    }

    let manifest: z.infer<typeof manifestSchema> | undefined;
    while (!manifest) {
      const response = await client.raw({ method: "GET", path: statusUrl, headers: { accept: "application/json" } });
      if (response.status === 200) {
        const parsed = manifestSchema.safeParse(await response.json().catch(() => undefined));
        if (!parsed.success) throw new ClinicalError("protocol", "the export's manifest cannot be read");
        manifest = parsed.data;
      } else if (response.status === 202 || response.status === 429 || response.status >= 500) {
        const asked = retryAfterMs(response.headers.get("retry-after"), clock.now());
        await response.body?.cancel().catch(() => {});
        await wait(asked, response.headers.get("x-progress") ?? `status ${response.status}`);
      } else {
        throw await refusal(response, "the export's status", clock);
      }
    }

    const total = emptyReport();
    const files: ReconcileResult["files"] = [];
    for (const output of manifest.output) {
      if (clock.now() > deadline) throw new ClinicalError("timeout", `the export of Group/${groupId} did not finish before its deadline`);
      const response = await client.download(output.url, { requiresAccessToken: manifest.requiresAccessToken, timeoutMs: options.downloadTimeoutMs ?? 30 * 60_000 });
      if (!response.body) throw new ClinicalError("protocol", `an export file (${output.type}) came without a body`);
      const report = await ingestStream(db, ndjsonStreamEntries(response.body as unknown as AsyncIterable<Uint8Array>, `${output.type}.ndjson`), {
        source: "reconcile",
        durable: false,
      });
      mergeReports(total, report);
      files.push({ type: output.type, report });
      options.onProgress?.({ phase: "file", detail: output.type, report: total });
    }
    if (manifest.error.length > 0) logger.warn({ group: groupId, errorFiles: manifest.error.length }, "the export reported errors");
    await client
      .raw({ method: "DELETE", path: statusUrl })
      .then((r) => r.body?.cancel())
      .catch(() => {});
    await advanceCursor(db, stream, new Date(manifest.transactionTime));
    await recordSuccess(db, stream, new Date(clock.now()));
    return { groupId, transactionTime: manifest.transactionTime, files, errorFiles: manifest.error.length, report: total };
  } catch (error) {
    await recordError(db, stream, error).catch(() => {});
    throw error;
  }
}
