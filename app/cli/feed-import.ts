/**
 * Imports FHIR Bundles (.json) and NDJSON files (.ndjson, Bulk Data $export output) into the read model, through the
 * same ingestion as POST /api/fhir/feed.
 *
 *   npm run feed:import -- <files or folders>... [--batch-size 500] [--json]
 *
 * DATABASE_URL when set, else the portal's PGlite directory (PGLITE_DIR), which is refused while a server holds it.
 * Memory stays flat whatever the file size. A file that cannot be read or parsed is reported by name, with why, and
 * the import goes on with the next. Exit code 1 when anything was rejected or a file could not be read, 2 on wrong
 * usage. --json prints the summary as one JSON line (used by `npm run bench:feed`).
 */
import path from "node:path";
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { ConfigError, parseConfig } from "~/config.server";
import { FeedFileError, listInputFiles, readInputFile, type InputFile } from "~/feed/files.server";
import { emptyReport, ingestStream, mergeReports, type IngestReport } from "~/feed/ingest.server";
import { openDatabase, type DatabaseHandle } from "../../db/connection";
import { migrate } from "../../db/migrate";

const USAGE = "Usage: npm run feed:import -- <files or folders>... [--batch-size N] [--json]";

function usage(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

function parseOptions() {
  try {
    const { values, positionals } = parseArgs({
      options: {
        "batch-size": { type: "string", default: "500" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      console.log(USAGE);
      process.exit(0);
    }
    const batchSize = Number(values["batch-size"]);
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 5000) usage("--batch-size must be a whole number from 1 to 5000");
    if (!positionals.length) usage("Name at least one file or folder.");
    return { paths: positionals, batchSize, json: values.json };
  } catch (error) {
    usage((error as Error).message);
  }
}

const nf = new Intl.NumberFormat("en-US");

class Progress {
  private readonly bar: cliProgress.SingleBar | null;
  private bytes = 0;
  private resources = 0;
  private lastLine = 0;
  private readonly started = performance.now();

  constructor(
    private readonly totalBytes: number,
    private readonly enabled: boolean,
  ) {
    this.bar =
      enabled && process.stderr.isTTY
        ? new cliProgress.SingleBar(
            { format: "{bar} {percentage}% | {resources} resources | {rate}/s | {file}", stream: process.stderr, hideCursor: true },
            cliProgress.Presets.shades_classic,
          )
        : null;
    this.bar?.start(Math.max(totalBytes, 1), 0, { resources: 0, rate: 0, file: "" });
  }

  update(bytes: number, resources: number, file: string): void {
    this.bytes += bytes;
    this.resources = resources;
    const seconds = (performance.now() - this.started) / 1000;
    const rate = Math.round(this.resources / Math.max(seconds, 0.001));
    if (this.bar) {
      this.bar.update(this.bytes, { resources: nf.format(this.resources), rate: nf.format(rate), file });
    } else if (this.enabled && performance.now() - this.lastLine > 5000) {
      this.lastLine = performance.now();
      const pct = this.totalBytes ? Math.floor((100 * this.bytes) / this.totalBytes) : 100;
      console.error(`${pct}% ${nf.format(this.resources)} resources, ${nf.format(rate)}/s (${file})`);
    }
  }

  stop(): void {
    this.bar?.stop();
  }
}

function printSummary(report: IngestReport, files: number, failedFiles: string[], seconds: number, peakRss: number): void {
  const rows = Object.entries(report.byType).sort(([a], [b]) => a.localeCompare(b));
  const head = ["type", "received", "created", "updated", "unchanged", "deleted", "skipped", "rejected"];
  const table = [head, ...rows.map(([type, c]) => [type, c.received, c.created, c.updated, c.unchanged, c.deleted, c.skipped, c.rejected].map(String))];
  const widths = head.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  console.log("");
  for (const row of table) console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  "));
  console.log("");
  console.log(
    `${nf.format(report.received)} resources from ${files} file(s) in ${seconds.toFixed(1)} s ` +
      `(${nf.format(Math.round(report.received / Math.max(seconds, 0.001)))}/s), peak memory ${Math.round(peakRss / 1048576)} MB`,
  );
  console.log(
    `stored ${nf.format(report.stored)} (created ${nf.format(report.created)}, updated ${nf.format(report.updated)}), ` +
      `unchanged ${nf.format(report.unchanged)}, deleted ${nf.format(report.deleted)}, rejected ${nf.format(report.rejectedCount)}`,
  );
  for (const s of report.skipped) console.log(`skipped ${nf.format(s.count)}: ${s.reason}`);
  if (report.rejectedCount) {
    console.log(`\nRejected (kept in dead_letters)${report.rejectedCount > report.rejected.length ? `, the first ${report.rejected.length}` : ""}:`);
    for (const r of report.rejected.slice(0, 50)) {
      console.log(`  ${r.location ?? `#${r.index}`} ${r.resourceType ?? "?"}/${r.id ?? "?"}: ${r.reason}${r.path ? ` at ${r.path}` : ""}`);
    }
  }
  for (const f of failedFiles) console.log(`Could not read: ${f}`);
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
  let files: InputFile[];
  try {
    files = await listInputFiles(options.paths);
  } catch (error) {
    usage((error as Error).message);
  }
  if (!files.length) usage("No .json or .ndjson files found.");

  const database: DatabaseHandle = await openDatabase({ databaseUrl: config.DATABASE_URL, pgliteDir: config.PGLITE_DIR, poolSize: 2 });
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    console.error("\nStopping after the batch being written…");
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const started = performance.now();
  const total = emptyReport();
  const failedFiles: string[] = [];
  const progress = new Progress(
    files.reduce((sum, f) => sum + f.bytes, 0),
    !options.json || process.stderr.isTTY === true,
  );
  try {
    await migrate(database);
    for (const file of files) {
      if (interrupted) break;
      const name = path.basename(file.path);
      let pendingBytes = 0;
      const items = readInputFile(file, (n) => {
        pendingBytes += n;
      });
      // A file that cannot be read to its end is reported, with what was read of it; the import goes on.
      let unreadable: FeedFileError | undefined;
      const entries = async function* () {
        try {
          for await (const item of items) {
            if (interrupted) return;
            yield item.location?.startsWith("Bundle.") ? { ...item, location: `${name} ${item.location}` } : item;
          }
        } catch (error) {
          if (!(error instanceof FeedFileError)) throw error;
          unreadable = error;
        }
      };
      const report = await ingestStream(database.db, entries(), {
        source: `cli:${name}`,
        batchSize: options.batchSize,
        durable: false,
        onProgress: (r) => {
          progress.update(pendingBytes, total.received + r.received, name);
          pendingBytes = 0;
        },
      });
      mergeReports(total, report);
      progress.update(pendingBytes, total.received, name);
      if (unreadable) {
        const before = report.received ? ` (the ${nf.format(report.received)} entries read before that were imported)` : "";
        failedFiles.push(`${unreadable.message}${before}`);
      }
    }
  } finally {
    progress.stop();
    await database.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const peakRss = process.resourceUsage().maxRSS * 1024;
  if (options.json) {
    console.log(
      JSON.stringify({
        files: files.length,
        bytes: files.reduce((sum, f) => sum + f.bytes, 0),
        seconds,
        resourcesPerSecond: total.received / Math.max(seconds, 0.001),
        peakRssBytes: peakRss,
        cpuSeconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
        database: database.kind,
        failedFiles,
        ...total,
      }),
    );
  } else {
    printSummary(total, files.length, failedFiles, seconds, peakRss);
  }
  if (interrupted) return 130;
  return total.rejectedCount || failedFiles.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`Import failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
