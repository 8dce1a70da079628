// `npm run bench:book`: how fast the portal books a time (POST of the confirmation form, answered 303).
//
// A fresh PostgreSQL database with the demo catalogue and generated patients, a session per virtual citizen and two
// production portal processes (bench-booking.ts). Each booking is of a free time nobody else asks for: a list of
// distinct (citizen, slot) pairs, made from every type's free times and the citizens who may book it (the booking
// domain says who), no citizen given two overlapping times. Then:
//   latency   p50/p95/p99 at a fixed rate (open loop: bookings sent on a schedule, alternately to each process,
//             whatever the server's speed; latency counts from the scheduled time);
//   capacity  bookings/s at saturation (closed loop, --connections at once over both processes), and their p95.
// Every answer must be 303; any other is counted and makes the run fail.
// Flags: --patients 2000  --citizens 1500  --rate 20  --seconds 20  --connections 16  --capacity-seconds 15
import os from "node:os";
import { parseArgs } from "node:util";
import { localServerUrl, percentile } from "./bench-portal";
import { timeToBook } from "~/booking/booking.server";
import { eachLimited, freeTimesOf, postBooking, prepareBookingBench, type Citizen } from "./bench-booking";
import { atRate, saturated, StatusCount, type Send } from "./bench-citizens";

const { values: args } = parseArgs({
  options: {
    patients: { type: "string", default: "2000" },
    citizens: { type: "string", default: "1500" },
    rate: { type: "string", default: "20" },
    seconds: { type: "string", default: "20" },
    connections: { type: "string", default: "16" },
    "capacity-seconds": { type: "string", default: "15" },
    "server-url": { type: "string", default: process.env.BENCH_DATABASE_URL ?? localServerUrl() },
    // A kept database with the generated patients loaded, measured again without loading (and not dropped).
    reuse: { type: "string" },
  },
});
const rate = Number(args.rate);
const TARGET_P95_MS = 100;
const WARM_UP = 40;

interface Pair {
  citizen: Citizen;
  slotId: string;
}

/** Distinct (citizen, slot) pairs: every type's free times, each given to a citizen who may book it and holds nothing overlapping. */
async function bookingPairs(bench: Awaited<ReturnType<typeof prepareBookingBench>>): Promise<Pair[]> {
  const taken = new Set<string>();
  const held = new Map<string, { from: string; to: string }[]>();
  const pairs: Pair[] = [];
  for (const [typeId, citizens] of bench.eligible) {
    let next = 0;
    for (const time of await freeTimesOf(bench.db, typeId, citizens[0]!)) {
      if (taken.has(time.slotId)) continue;
      // The next citizen in turn whose own times do not overlap this one.
      for (let tries = 0; tries < citizens.length; tries++) {
        const citizen = citizens[next++ % citizens.length]!;
        const own = held.get(citizen.personId) ?? [];
        if (own.some((t) => t.from < time.endsAt && time.startsAt < t.to)) continue;
        own.push({ from: time.startsAt, to: time.endsAt });
        held.set(citizen.personId, own);
        taken.add(time.slotId);
        pairs.push({ citizen, slotId: time.slotId });
        break;
      }
    }
  }
  // Each pair as the confirmation page asks it of the domain: a time its citizen may book now (their own
  // appointments in the read model may overlap it).
  const bookable: Pair[] = [];
  const now = new Date();
  await eachLimited(pairs, 8, async (pair) => {
    if (!("error" in (await timeToBook(bench.db, { subjectId: pair.citizen.personId, slotId: pair.slotId, now })))) bookable.push(pair);
  });
  pairs.length = 0;
  pairs.push(...bookable);
  // Mixed, so that neither run books one type's times in a row.
  for (let i = pairs.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [pairs[i], pairs[j]] = [pairs[j] as Pair, pairs[i] as Pair];
  }
  return pairs;
}

const statuses = new StatusCount();
const book: Send<Pair> = (agent, portal, pair) => postBooking(agent, portal, pair.citizen, pair.slotId);

const ms = (n: number) => n.toFixed(1).padStart(6);

const load = () => os.loadavg().map((l) => l.toFixed(2)).join(" ");
console.log(`machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "?"}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; node ${process.version}; load ${load()}`);
const bench = await prepareBookingBench(args["server-url"], { patients: Number(args.patients), citizens: Number(args.citizens), portals: 2, ...(args.reuse ? { reuse: args.reuse } : {}) });
let ok = false;
try {
  const pairs = await bookingPairs(bench);
  const openLoop = Math.round(rate * Number(args.seconds));
  console.log(`${bench.citizens.length} citizens with sessions; ${pairs.length} distinct (citizen, free time) pairs over ${bench.eligible.size} bookable types`);
  if (pairs.length < WARM_UP + openLoop + 100) throw new Error("too few free times for the run: use more --patients");
  // Warm up: JIT, connection pools, PostgreSQL's buffers.
  await saturated(bench.portals, pairs.slice(0, WARM_UP), { seconds: 30, connections: 4, database: bench.databaseName }, book, statuses);
  const latency = await atRate(bench.portals, pairs.slice(WARM_UP, WARM_UP + openLoop), rate, book, statuses);
  const capacity = await saturated(bench.portals, pairs.slice(WARM_UP + openLoop), { seconds: Number(args["capacity-seconds"]), connections: Number(args.connections), database: bench.databaseName }, book, statuses);
  if (capacity.ranOut) console.warn(`  ! the free times ran out after ${capacity.seconds.toFixed(1)} s: use more --patients`);

  console.log(`\n══ a booking (POST /appointments/book/confirm → 303), 2 portal processes`);
  console.log(`at ${rate} bookings/s (open loop, ${latency.length} booked): p50 ${ms(percentile(latency, 50))}  p95 ${ms(percentile(latency, 95))}  p99 ${ms(percentile(latency, 99))} ms`);
  console.log(
    `at saturation (${args.connections} at once): ${(capacity.done / capacity.seconds).toFixed(0)} bookings/s (${capacity.done} in ${capacity.seconds.toFixed(1)} s); ` +
      `p50 ${ms(percentile(capacity.latencies, 50))}  p95 ${ms(percentile(capacity.latencies, 95))} ms; ` +
      `CPU per booking: portals ${(capacity.portalCpuMs / capacity.done).toFixed(1)} ms, database ${(capacity.databaseCpuMs / capacity.done).toFixed(1)} ms`,
  );
  // Other work on the machine (load average above 2 on 2 cores) slows every figure here.
  console.log(`load average at the end: ${load()}`);
  console.log(`answers: ${statuses}`);
  const p95 = percentile(latency, 95);
  console.log(`target p95 under ${TARGET_P95_MS} ms at ${rate} bookings/s: ${p95 < TARGET_P95_MS ? "met" : "NOT met"} (${p95.toFixed(1)} ms)`);
  ok = statuses.others(303) === 0;
  if (!ok) console.log("FAIL: answers other than 303 (each pair is a free time only its citizen asks for)");
} finally {
  await bench.cleanup();
}
process.exit(ok ? 0 : 1);
