import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { rowsOf, type Database } from "../../../db/connection";
import { createTestDatabase, type TestDatabase } from "../../../db/testing";
import { createClinicalClient, type ClinicalClient } from "../client.server";
import { enqueue, type NewOutboxRow } from "../outbox/outbox.server";
import { createRelay } from "../outbox/relay.server";
import type { ClinicalSettings } from "../settings.server";
import type { Fault } from "../stand-in/faults.server";
import type { ClinicalStandIn } from "../stand-in/stand-in.server";
import { startTestStandIn, writeTargets } from "../stand-in/test-stand-in";
import { appointmentKinds, appointmentRows } from "./appointments.server";
import { messageWriteKinds as messageKinds } from "./messages.server";
import { enqueueOutgoing } from "./test-messages";

/**
 * The writes of booking and messages, delivered by the relay to the clinical system's stand-in over real HTTP, with
 * the faults a network and a busy Millennium make: every row ends delivered with exactly one effect in the clinical
 * system (one appointment, one message), or failed with a reason; none is lost, none made twice.
 */

const kinds = { ...appointmentKinds, ...messageKinds };

let standIn: ClinicalStandIn;
let database: TestDatabase;
let db: Database;
let settings: ClinicalSettings;
let patients: string[];
let groupInbox: string;
let freeSlots: { id: string; start: string }[];

beforeAll(async () => {
  const started = await startTestStandIn({ demo: { patients: 0 } });
  standIn = started.standIn;
  // Short timeouts, so that a delayed answer is a timeout here; the lease outlasts four of them, as the settings require.
  settings = { ...started.settings, timeoutMs: 200 };
  database = await createTestDatabase();
  db = database.db;
  const targets = await writeTargets(started.client);
  patients = targets.patientIds;
  groupInbox = targets.groupInboxIds[0]!;
  freeSlots = targets.slots;
}, 60_000);

afterAll(async () => {
  await standIn?.stop();
  await database?.destroy();
});

beforeEach(async () => {
  standIn.faults.clear();
  await db.execute(sql`truncate clinical_outbox restart identity`);
});

/** A client whose process can be killed: from then on every call it makes, and every answer it awaits, never settles. */
function killable(client: ClinicalClient): { client: ClinicalClient; kill(): void } {
  let kill!: () => void;
  const died = new Promise<never>((_, reject) => {
    kill = () => reject(new Error("killed"));
  });
  died.catch(() => {});
  let dead = false;
  const never = new Promise<never>(() => {});
  const wrapped = new Proxy(client, {
    get(target, name) {
      const member = target[name as keyof ClinicalClient];
      if (typeof member !== "function") return member;
      return (...args: unknown[]) => {
        if (dead) return never;
        const call = (member as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        return Promise.race([call, died.catch(() => never)]);
      };
    },
  });
  return {
    client: wrapped,
    kill() {
      dead = true;
      kill();
    },
  };
}

async function finished(): Promise<{ id: number; kind: string; state: string; payload: Record<string, unknown>; result: Record<string, unknown> | null; last_error: unknown }[]> {
  return rowsOf(await db.execute(sql`select id::int as id, kind, state, payload, result, last_error from clinical_outbox order by id`));
}

async function until(condition: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not done within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const allFinished = async () =>
  rowsOf<{ open: number }>(await db.execute(sql`select count(*)::int as open from clinical_outbox where state in ('pending', 'delivering')`))[0]!.open === 0;

/** Faults that may hit any request: the ones that leave a write uncertain, and the ones after which nothing was done. */
const faultArbitrary: fc.Arbitrary<Fault> = fc.oneof(
  fc.constant<Fault>({ kind: "lostAnswer" }),
  fc.constant<Fault>({ kind: "drop" }),
  fc.constantFrom<Fault>({ kind: "status", status: 500 }, { kind: "status", status: 503, retryAfterSeconds: 0 }, { kind: "status", status: 429, retryAfterSeconds: 0 }),
  fc.constant<Fault>({ kind: "appliedThenStatus", status: 502 }),
  fc.constant<Fault>({ kind: "delay", ms: 300 }),
);
const matchArbitrary = fc.constantFrom(
  { method: "POST", path: "Appointment" },
  { method: "GET", path: "Appointment" },
  { method: "PATCH", path: "Appointment" },
  { method: "POST", path: "patientMessages/sentItems" },
  { method: "GET", path: "patientMessages/sentItems" },
  {},
);

describe("the relay against the stand-in", () => {
  it(
    "delivers every row once, whatever faults the clinical system and the network make, and a relay killed mid-delivery",
    async () => {
      let slotIndex = 0;
      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ kind: fc.constantFrom("book", "send", "book-then-cancel"), patient: fc.nat() }), { minLength: 1, maxLength: 4 }),
          fc.array(fc.record({ fault: faultArbitrary, match: matchArbitrary }), { maxLength: 5 }),
          // One run in five, a relay is killed mid-way.
          fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.nat({ max: 30 }) }),
          async (writes, faults, killAfterMs) => {
            run += 1;
            await db.execute(sql`truncate clinical_outbox restart identity`);
            standIn.faults.clear();
            const booked: { slotId: string; rowIds: number[] }[] = [];
            const sent: string[] = [];
            for (const write of writes) {
              const patientId = patients[write.patient % patients.length]!;
              if (write.kind === "send") {
                const subject = `Run ${run}, ${sent.length}`;
                sent.push(subject);
                await enqueueOutgoing(db, { personId: patientId, careUnitId: groupInbox, topic: subject, body: subject });
                continue;
              }
              const slot = freeSlots[slotIndex++];
              if (!slot) throw new Error("the stand-in ran out of free slots");
              const rowIds = [await enqueue(db, appointmentRows.book({ patientId, slotId: slot.id, start: slot.start }))];
              booked.push({ slotId: slot.id, rowIds });
              if (write.kind === "book-then-cancel") {
                // The cancel names the appointment the booking will make: the feature knows it once the booking is delivered.
                rowIds.push(-1);
              }
            }
            for (const { fault, match } of faults) standIn.faults.inject(fault, match);

            const fast = { kinds, maxAttempts: 30, concurrency: 4, backoff: { baseMs: 1, maxMs: 10 }, settleMs: 200, pollMs: 5 };
            if (killAfterMs !== undefined) {
              // The first relay dies mid-way; a second takes over its rows once their lease ends.
              const doomed = killable(createClinicalClient(settings));
              const first = createRelay({ db, client: doomed.client, leaseMs: 1_000, ...fast });
              first.start();
              await new Promise((resolve) => setTimeout(resolve, killAfterMs));
              doomed.kill();
              void first.stop();
            }
            const relay = createRelay({ db, client: createClinicalClient(settings), leaseMs: 1_000, ...fast });
            relay.start();
            try {
              await until(allFinished, 30_000);
              // Cancel what was booked, where the write asked for it, through the outbox as well.
              const rows = await finished();
              for (const b of booked.filter((x) => x.rowIds.includes(-1))) {
                const row = rows.find((r) => r.id === b.rowIds[0]);
                if (row?.state !== "delivered") continue;
                await enqueue(db, appointmentRows.cancel(String(row.payload.patientId), { appointmentId: String(row.result!.appointmentId) }) as NewOutboxRow);
              }
              await until(allFinished, 30_000);
            } finally {
              await relay.stop();
            }

            const rows = await finished();
            for (const row of rows) {
              expect(row.state, JSON.stringify(row.last_error)).toBe("delivered");
            }
            for (const b of booked) {
              const made = standIn.inspect.appointments({ slot: b.slotId });
              const row = rows.find((r) => r.id === b.rowIds[0])!;
              expect(made.map((a) => a.id)).toEqual([row.result!.appointmentId]);
              expect(made[0]!.status).toBe(b.rowIds.includes(-1) ? "cancelled" : "booked");
            }
            for (const subject of sent) {
              const made = standIn.inspect.messages().filter((m) => m.subject === subject);
              expect(made).toHaveLength(1);
            }
          },
        ),
        { numRuns: Number(process.env.DELIVERY_RUNS ?? 200) },
      );
    },
    600_000,
  );
});
