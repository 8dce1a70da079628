// `npm run bench:booking-race`: many citizens racing for few times, through two portal processes on one database.
//
// A fresh PostgreSQL database with the demo catalogue and generated patients; a session per virtual citizen; a
// bookable type that many of them may book (asked of the booking domain) and 100 of its free times; two production
// portal processes. Then 10,000 POSTs of the confirmation form (about 50 at once, alternately to each process), each
// from a random citizen who may book the type for a random one of the 100 times. Counted: 303 (booked, or a double
// submit finding the citizen's own booking), 409 (taken, or overlapping a time the citizen holds), 400, 5xx, network
// errors. Then checked in the database: at most one hold per slot, every slot held, nobody holding two overlapping
// times, and exactly one appointment.book outbox row per hold. PASS or FAIL (exit 1).
// Flags: --patients 2000  --citizens 1500  --attempts 10000  --slots 100  --concurrency 50
import http from "node:http";
import os from "node:os";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { BOOK } from "~/clinical/writes/appointments.server";
import { rowsOf } from "../../db/connection";
import { HELD_STATES } from "../../db/schema";
import { localServerUrl } from "./bench-portal";
import { eachLimited, freeTimesOf, postBooking, prepareBookingBench, type Answer } from "./bench-booking";

const { values: args } = parseArgs({
  options: {
    patients: { type: "string", default: "2000" },
    citizens: { type: "string", default: "1500" },
    attempts: { type: "string", default: "10000" },
    slots: { type: "string", default: "100" },
    concurrency: { type: "string", default: "50" },
    "server-url": { type: "string", default: process.env.BENCH_DATABASE_URL ?? localServerUrl() },
    // A kept database with the generated patients loaded, measured again without loading (and not dropped).
    reuse: { type: "string" },
  },
});
const attempts = Number(args.attempts);
const slotCount = Number(args.slots);

const load = () => os.loadavg().map((l) => l.toFixed(2)).join(" ");
console.log(`machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "?"}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; node ${process.version}; load ${load()}`);
const bench = await prepareBookingBench(args["server-url"], { patients: Number(args.patients), citizens: Number(args.citizens), portals: 2, ...(args.reuse ? { reuse: args.reuse } : {}) });
let passed = false;
try {
  const { db, eligible, portals } = bench;
  // The type the most citizens may book, and its first free times.
  const [typeId, racers] = [...eligible].sort((a, b) => b[1].length - a[1].length)[0] ?? ["", []];
  if (racers.length === 0) throw new Error("no citizen may book any type");
  const times = (await freeTimesOf(db, typeId, racers[0]!)).slice(0, slotCount);
  if (times.length < slotCount) throw new Error(`type ${typeId} has only ${times.length} free times`);
  console.log(`${bench.citizens.length} citizens with sessions; type ${typeId}: ${racers.length} of them may book it; ${times.length} free times from ${times[0]!.startsAt} to ${times.at(-1)!.startsAt}`);

  const counts = { booked: 0, refused: 0, malformed: 0, serverErrors: 0, network: 0, other: 0 };
  const agent = new http.Agent({ keepAlive: true, maxSockets: Number(args.concurrency) });
  const started = performance.now();
  const latencies: number[] = [];
  await eachLimited(
    Array.from({ length: attempts }, (_, i) => i),
    Number(args.concurrency),
    async (i) => {
      const citizen = racers[Math.floor(Math.random() * racers.length)]!;
      const time = times[Math.floor(Math.random() * times.length)]!;
      const answer: Answer = await postBooking(agent, portals[i % portals.length]!, citizen, time.slotId);
      latencies.push(answer.ms);
      if (answer.status === 303) counts.booked++;
      else if (answer.status === 409) counts.refused++;
      else if (answer.status === 400) counts.malformed++;
      else if (answer.status >= 500) counts.serverErrors++;
      else if (answer.status === 0) counts.network++;
      else counts.other++;
    },
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  console.log(
    `\n${attempts} attempts in ${seconds.toFixed(1)} s (${(attempts / seconds).toFixed(0)}/s, ${args.concurrency} at once over ${portals.length} processes; ` +
      `p50 ${latencies[Math.floor(latencies.length * 0.5)]!.toFixed(0)} ms, p95 ${latencies[Math.floor(latencies.length * 0.95)]!.toFixed(0)} ms)`,
  );
  console.log(`  303 booked (or the citizen's own booking found again): ${counts.booked}`);
  console.log(`  409 refused (taken, or overlapping the citizen's own): ${counts.refused}`);
  console.log(`  400 malformed: ${counts.malformed}`);
  console.log(`  5xx server errors: ${counts.serverErrors}`);
  console.log(`  network errors: ${counts.network}`);
  if (counts.other > 0) console.log(`  other answers: ${counts.other}`);
  console.log(`  load average at the end: ${load()}`);

  // What the database holds.
  const slotIds = times.map((t) => t.slotId);
  const heldStates = sql.raw(HELD_STATES.map((s) => `'${s}'`).join(", "));
  const [holds] = rowsOf<{ holds: number; slots: number; most: number }>(
    await db.execute(sql`
      select count(*)::int as holds, count(distinct slot_id)::int as slots, coalesce(max(n), 0)::int as most
        from (select slot_id, count(*) over (partition by slot_id) as n from bookings
               where slot_id = any(${sql.param(slotIds)}::text[]) and state in (${heldStates})) h`),
  );
  const [overlaps] = rowsOf<{ n: number }>(
    await db.execute(sql`
      select count(*)::int as n from bookings a join bookings b
        on a.person_id = b.person_id and a.id < b.id and a.starts_at < b.ends_at and b.starts_at < a.ends_at
       where a.slot_id is not null and b.slot_id is not null and a.state in (${heldStates}) and b.state in (${heldStates})`),
  );
  const [outbox] = rowsOf<{ rows: number; holdsWithOne: number; allRows: number }>(
    await db.execute(sql`
      select (select count(*)::int from clinical_outbox where kind = ${BOOK}) as "allRows",
             (select count(*)::int from bookings b where b.action = 'book' and b.state in (${heldStates})
                 and (select count(*) from clinical_outbox o where o.id = b.outbox_id and o.kind = ${BOOK}) = 1) as "holdsWithOne",
             (select count(*)::int from bookings b where b.action = 'book') as rows`),
  );
  console.log(`\nin the database: ${holds!.holds} holds on ${holds!.slots} of the ${slotCount} slots (most on one slot: ${holds!.most}); ${overlaps!.n} people holding overlapping times`);
  console.log(`  ${outbox!.allRows} appointment.book outbox rows for ${outbox!.rows} booking rows; holds with exactly one: ${outbox!.holdsWithOne}`);

  const problems: string[] = [];
  if (holds!.most > 1) problems.push("a slot held twice");
  if (holds!.slots !== slotCount) problems.push(`${holds!.slots} slots held, not ${slotCount}`);
  if (holds!.holds !== slotCount) problems.push(`${holds!.holds} holds, not ${slotCount}`);
  if (overlaps!.n > 0) problems.push("overlapping holds of one person");
  if (outbox!.allRows !== holds!.holds || outbox!.holdsWithOne !== holds!.holds || outbox!.rows !== holds!.holds) problems.push("not one outbox row per hold");
  if (counts.serverErrors + counts.network + counts.malformed + counts.other > 0) problems.push("answers other than 303 and 409");
  passed = problems.length === 0;
  console.log(passed ? `\nPASS: exactly ${slotCount} bookings, 0 double bookings, 0 server errors` : `\nFAIL: ${problems.join("; ")}`);
} finally {
  await bench.cleanup();
}
process.exit(passed ? 0 : 1);
