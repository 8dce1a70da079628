/**
 * Reconciles the read model with the clinical system: a Bulk Data `Group/{id}/$export` per group, its NDJSON files
 * brought in through the feed's one way in (app/clinical/poller/reconcile.server.ts). What the read model already has
 * is a no-op; nothing is removed.
 *
 *   npm run clinical:reconcile -- [--group <id>]... [--type Observation,Condition] [--since <instant>] [--json]
 *
 * Groups: --group, else CLINICAL_EXPORT_GROUPS. Needs the clinical system's settings (CLINICAL_FHIR_BASE and the
 * three beside it). DATABASE_URL when set, else the portal's PGlite directory (refused while a server holds it).
 * Exit code 0 when every group was exported and nothing was rejected, 1 otherwise, 2 on wrong usage or settings.
 */
import { parseArgs } from "node:util";
import { createClinicalClient } from "~/clinical/client.server";
import { reconcileGroup, type ReconcileResult } from "~/clinical/poller/reconcile.server";
import { ConfigError, parseConfig } from "~/config.server";
import { openDatabase } from "../../db/connection";
import { migrate } from "../../db/migrate";

const USAGE = "Usage: npm run clinical:reconcile -- [--group <id>]... [--type Type,Type] [--since <instant>] [--json]";

function usage(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

function parseOptions() {
  try {
    const { values } = parseArgs({
      options: {
        group: { type: "string", multiple: true },
        type: { type: "string" },
        since: { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
      strict: true,
    });
    if (values.help) {
      console.log(USAGE);
      process.exit(0);
    }
    if (values.since && Number.isNaN(Date.parse(values.since))) usage("--since must be an instant, e.g. 2026-12-01T00:00:00Z");
    return {
      groups: values.group ?? [],
      types: values.type?.split(",").map((t) => t.trim()).filter(Boolean),
      since: values.since,
      json: values.json,
    };
  } catch (error) {
    usage((error as Error).message);
  }
}

async function main(): Promise<number> {
  const options = parseOptions();
  let config;
  try {
    config = parseConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  if (!config.clinical) {
    console.error(
      "No clinical system is configured: set CLINICAL_FHIR_BASE, CLINICAL_TOKEN_URL, CLINICAL_CLIENT_ID and CLINICAL_PRIVATE_KEY (see .env.example). " +
        "The reconciliation exports from the clinical system; there is nothing to reconcile with without one.",
    );
    return 2;
  }
  const groups = options.groups.length ? options.groups : (config.CLINICAL_EXPORT_GROUPS ?? []);
  if (!groups.length) usage("Name a group with --group, or set CLINICAL_EXPORT_GROUPS.");

  const client = createClinicalClient(config.clinical);
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, pgliteDir: config.PGLITE_DIR, poolSize: 2 });
  const results: ReconcileResult[] = [];
  const failed: { groupId: string; error: string }[] = [];
  try {
    await migrate(database);
    for (const groupId of groups) {
      if (!options.json) console.error(`Group/${groupId}: exporting…`);
      try {
        const result = await reconcileGroup({
          db: database.db,
          client,
          groupId,
          types: options.types,
          since: options.since,
          onProgress: (event) => {
            if (options.json) return;
            if (event.phase === "waiting") console.error(`Group/${groupId}: waiting ${Math.round((event.waitMs ?? 0) / 1000)} s (${event.detail})`);
            if (event.phase === "file") console.error(`Group/${groupId}: ${event.detail} imported, ${event.report?.received ?? 0} resources so far`);
          },
        });
        results.push(result);
        if (!options.json) {
          const r = result.report;
          console.log(
            `Group/${groupId} (as of ${result.transactionTime}): ${r.received} resources in ${result.files.length} file(s); ` +
              `stored ${r.stored} (created ${r.created}, updated ${r.updated}), unchanged ${r.unchanged}, rejected ${r.rejectedCount}` +
              (result.errorFiles ? `; the export reported ${result.errorFiles} error file(s)` : ""),
          );
        }
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        failed.push({ groupId, error: message });
        if (!options.json) console.error(`Group/${groupId}: failed: ${message}`);
      }
    }
  } finally {
    await database.close();
  }
  if (options.json) {
    console.log(JSON.stringify({ groups: results.map((r) => ({ groupId: r.groupId, transactionTime: r.transactionTime, files: r.files.length, ...r.report })), failed }));
  }
  return failed.length || results.some((r) => r.report.rejectedCount > 0) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`The reconciliation failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
