/**
 * Writes the demo clinical data as Bulk Data NDJSON, one file per resource type (Patient.ndjson, Observation.ndjson,
 * ...) and a manifest.json like a FHIR $export's, for benchmarks and for feeding another system.
 *
 *   npm run feed:generate -- --patients 20000 --out bench-out/feed [--seed 42] [--today 2026-03-15T10:00:00Z] [--no-cast]
 */
import { once } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { demoCast } from "~/feed/demo/cast";
import { DEFAULT_SEED, generateDemoResources, Population, clockOf } from "~/feed/demo/generate";

const USAGE = "Usage: npm run feed:generate -- --patients N --out DIR [--seed S] [--today ISO-INSTANT] [--no-cast]";

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

function parseOptions() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        patients: { type: "string" },
        out: { type: "string" },
        seed: { type: "string" },
        today: { type: "string" },
        "no-cast": { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
      strict: true,
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const patients = Number(values.patients ?? "0");
  if (!Number.isInteger(patients) || patients < 0) fail("--patients must be a whole number of 0 or more");
  if (!values.out) fail("--out DIR is required");
  const seed = values.seed === undefined ? DEFAULT_SEED : Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff) fail("--seed must be a whole number from 0 to 4294967295");
  const today = values.today ? new Date(values.today) : new Date();
  if (Number.isNaN(today.getTime())) fail("--today must be a date or instant, e.g. 2026-03-15T10:00:00Z");
  return { patients, out: path.resolve(values.out), seed, today, cast: !values["no-cast"] };
}

/** Lines are gathered per type and written in chunks of about 1 MB, waiting when the disk falls behind. */
class NdjsonWriter {
  private readonly streams = new Map<string, WriteStream>();
  private readonly pending = new Map<string, string[]>();
  private readonly pendingBytes = new Map<string, number>();
  readonly counts = new Map<string, number>();
  bytes = 0;

  constructor(private readonly dir: string) {}

  async add(type: string, line: string): Promise<void> {
    const lines = this.pending.get(type) ?? [];
    lines.push(line);
    this.pending.set(type, lines);
    const size = (this.pendingBytes.get(type) ?? 0) + line.length;
    this.pendingBytes.set(type, size);
    this.counts.set(type, (this.counts.get(type) ?? 0) + 1);
    if (size >= 1 << 20) await this.flush(type);
  }

  private async flush(type: string): Promise<void> {
    const lines = this.pending.get(type);
    if (!lines?.length) return;
    let stream = this.streams.get(type);
    if (!stream) {
      stream = createWriteStream(path.join(this.dir, `${type}.ndjson`), { encoding: "utf8" });
      this.streams.set(type, stream);
    }
    const chunk = lines.join("");
    this.bytes += Buffer.byteLength(chunk);
    this.pending.set(type, []);
    this.pendingBytes.set(type, 0);
    if (!stream.write(chunk)) await once(stream, "drain");
  }

  async close(): Promise<void> {
    for (const type of this.pending.keys()) await this.flush(type);
    await Promise.all(
      [...this.streams.values()].map(
        (s) =>
          new Promise<void>((resolve, reject) => {
            s.once("error", reject);
            s.end(resolve);
          }),
      ),
    );
  }
}

async function main() {
  const options = parseOptions();
  if (options.patients > 0) new Population(options.seed, clockOf(options.today), options.patients); // checks the limit early
  await mkdir(options.out, { recursive: true });
  const writer = new NdjsonWriter(options.out);
  const started = Date.now();
  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar({ format: "{bar} {value}/{total} patients | {resources} resources | {eta_formatted} left", stream: process.stderr }, cliProgress.Presets.shades_classic)
    : undefined;
  const totalPeople = options.patients + (options.cast ? demoCast.filter((c) => c.patientId !== null).length : 0);
  bar?.start(totalPeople, 0, { resources: 0 });
  let resources = 0;
  let people = 0;
  for (const resource of generateDemoResources({ seed: options.seed, today: options.today, patients: options.patients, cast: options.cast })) {
    await writer.add(resource.resourceType, `${JSON.stringify(resource)}\n`);
    resources++;
    if (resource.resourceType === "Patient" && ++people % 100 === 0) bar?.update(Math.min(people, totalPeople), { resources });
  }
  await writer.close();
  bar?.update(totalPeople, { resources });
  bar?.stop();

  const manifest = {
    transactionTime: options.today.toISOString(),
    request: `feed:generate --patients ${options.patients} --seed ${options.seed}${options.cast ? "" : " --no-cast"}`,
    requiresAccessToken: false,
    output: [...writer.counts].sort(([a], [b]) => a.localeCompare(b)).map(([type, count]) => ({ type, url: `${type}.ndjson`, count })),
    error: [],
  };
  const manifestStream = createWriteStream(path.join(options.out, "manifest.json"));
  manifestStream.end(`${JSON.stringify(manifest, null, 2)}\n`);
  await once(manifestStream, "finish");

  const seconds = (Date.now() - started) / 1000;
  console.log(
    `Wrote ${resources} resources (${(writer.bytes / 1e6).toFixed(1)} MB) for ${people} patients to ${options.out} in ${seconds.toFixed(1)} s ` +
      `(${Math.round(resources / seconds)} resources/s, seed ${options.seed}).`,
  );
  for (const { type, count } of manifest.output) console.log(`  ${type.padEnd(20)} ${count}`);
}

main().catch((error: unknown) => {
  console.error(`feed:generate failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
