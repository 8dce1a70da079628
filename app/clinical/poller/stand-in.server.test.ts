import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import type { Appointment, Observation, Slot } from "@medplum/fhirtypes";
import type { ServerBuild } from "@remix-run/node";
import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "~/config.server";
import { rows } from "~/feed/test-factories";
import { createHttpApp } from "~/server/http";
import { createTestDatabase, type TestDatabase } from "../../../db/testing";
import { createClinicalClient } from "../client.server";
import { MESSAGES_PATHS } from "../millennium";
import { enqueue } from "../outbox/outbox.server";
import { STAND_IN_GROUP_ID } from "../stand-in/stand-in.server";
import { startTestStandIn, type TestStandIn } from "../stand-in/test-stand-in";
import { createPoller, readableTypes, type Poller, type PollerOptions } from "./poller.server";
import { reconcileGroup } from "./reconcile.server";
import { readStream } from "./state.server";

/**
 * The poller and the reconciliation over real HTTP, against the development stand-in of Millennium (its token
 * endpoint, FHIR searches with their refusals, Messages API, Group export behind 307s to pre-signed URLs that refuse
 * the token), into a real database: PGlite, or PostgreSQL with TEST_DATABASE_URL.
 */

let database: TestDatabase;
let t: TestStandIn;
const FEED_TOKEN = "a-feed-token-of-at-least-32-characters-x";

beforeAll(async () => {
  database = await createTestDatabase();
  t = await startTestStandIn({ demo: { patients: 3 } });
});
afterAll(async () => {
  await t.standIn.stop();
  await database.destroy();
});

const db = () => database.db;

const pollers: Poller[] = [];
afterEach(async () => {
  // A poller holds the lease until stopped: the next test's would find it taken.
  for (const p of pollers.splice(0)) await p.stop();
});

function poller(overrides: Partial<PollerOptions> = {}): Poller {
  const p = createPoller(pollerOptions(overrides));
  pollers.push(p);
  return p;
}

function pollerOptions(overrides: Partial<PollerOptions> = {}): PollerOptions {
  return {
    db: db(),
    client: t.client,
    intervalMs: 60_000,
    overlapMs: 120_000,
    leaseMs: 60_000,
    lookbackMs: 24 * 3_600_000,
    activeHours: 72,
    types: readableTypes(t.settings.scopes),
    ...overrides,
  };
}

/** Someone signed in: a session row, as the login writes it. */
async function signIn(personId: string, actingFor = personId): Promise<void> {
  await db().execute(sql`
    insert into sessions (id_hash, person_id, acting_for_person_id, expires_at)
    values (${`hash-${personId}-${actingFor}`}, ${personId}, ${actingFor}, now() + interval '1 hour')
    on conflict do nothing`);
}

describe("against the stand-in", () => {
  let patientId: string;

  it("reconciles a group by Bulk export: kick-off, status, files without the token after the redirect", async () => {
    const result = await reconcileGroup({ db: db(), client: t.client, groupId: STAND_IN_GROUP_ID, defaultWaitMs: 10, maxWaitMs: 1500 });
    expect(result.files.length).toBeGreaterThan(3);
    expect(result.report.rejectedCount).toBe(0);
    expect(result.report.stored).toBeGreaterThan(50);
    const [counts] = await rows<{ people: number; entries: number; types: number; appointments: number }>(
      db(),
      sql`select (select count(*)::int from people) as people, (select count(*)::int from record_entries) as entries,
                 (select count(*)::int from appointment_types) as types, (select count(*)::int from appointments) as appointments`,
    );
    expect(counts).toMatchObject({ people: expect.any(Number), entries: expect.any(Number) });
    expect(counts!.people).toBeGreaterThan(3);
    expect(counts!.types).toBeGreaterThan(3);
    // Not exported: appointments come by polling.
    expect(counts!.appointments).toBe(0);
    expect((await readStream(db(), `reconcile:Group/${STAND_IN_GROUP_ID}`))?.cursor?.toISOString()).toBe(new Date(result.transactionTime).toISOString());
    // The same export again changes nothing.
    const again = await reconcileGroup({ db: db(), client: t.client, groupId: STAND_IN_GROUP_ID, defaultWaitMs: 10, maxWaitMs: 1500 });
    expect(again.report).toMatchObject({ stored: 0, rejectedCount: 0 });
  });

  it("polls the people who use the portal: their appointments and messages", async () => {
    const withBoth = t.standIn.inspect.messages().map((m) => m.patientId).find((id) => t.standIn.inspect.appointments({ patient: id }).length > 0);
    expect(withBoth).toBeDefined();
    patientId = withBoth!;
    await signIn(patientId);
    const polling = poller();
    const report = await polling.runOnce();
    const failed = report?.streams.filter((s) => !s.ok).map((s) => s.name) ?? [];
    expect(await rows(db(), sql`select name, last_error from clinical_poll_streams where last_error is not null`)).toEqual([]);
    expect(failed).toEqual([]);

    // The Messages API lists the last 90 days (older messages come by the push or not at all).
    const since = Date.now() - 90 * 86_400_000;
    const expectedMessages = t.standIn.inspect.messages({ patientId }).filter((m) => m.status !== "DELETED" && Date.parse(m.createDateTime) >= since);
    expect(expectedMessages.length).toBeGreaterThan(0);
    const stored = await rows<{ id: string; direction: string; thread_id: string }>(db(), sql`select id, direction, thread_id from messages where person_id = ${patientId}`);
    expect(stored.map((m) => m.id).sort()).toEqual(expectedMessages.map((m) => m.id).sort());
    expect(new Set(stored.map((m) => m.direction))).toEqual(new Set(expectedMessages.map((m) => (m.sender.type === "PERSON" ? "patient" : "care"))));

    const appointments = await rows<{ id: string }>(db(), sql`select id from appointments where person_id = ${patientId}`);
    expect(appointments.length).toBeGreaterThan(0);
    const people = await readStream(db(), "people");
    expect(people?.lastSuccessAt).not.toBeNull();
  });

  it("fetches the care team's attachments once and keeps them with their message, typed by their content", async () => {
    const someone = t.standIn.inspect.messages().find((m) => m.sender.type === "PERSON")!;
    await signIn(someone.patientId);
    const png = Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201e2b1d0600000000049454e44ae426082", "hex");
    // Named as a PDF: the type is the content's.
    const answer = await t.standIn.careTeam.reply(someone.id, { content: "Här är provsvaret.", attachment: { fileName: "provsvar.pdf", contentType: "image/png", content: png } });
    await new Promise((r) => setTimeout(r, 1100));
    const polling = poller();
    await polling.runOnce();
    const kept = await rows<{ message_id: string; person_id: string; file_name: string; content_type: string; size: number; content: Uint8Array; outgoing_message_id: string | null }>(
      db(),
      sql`select message_id, person_id, file_name, content_type, size, content, outgoing_message_id from message_attachments where message_id = ${answer.id}`,
    );
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ person_id: someone.patientId, file_name: "provsvar.pdf", content_type: "image/png", size: png.length, outgoing_message_id: null });
    expect(Buffer.from(kept[0]!.content).equals(png)).toBe(true);

    // Kept once: the next pass does not ask for the message again (it would fail), nor keep it twice.
    t.standIn.faults.inject({ kind: "status", status: 500 }, { method: "GET", path: `patientMessages/${answer.id}`, times: 5 });
    const report = await polling.runOnce();
    t.standIn.faults.clear();
    expect(report?.streams.filter((s) => !s.ok).map((s) => s.name)).toEqual([]);
    expect(await rows(db(), sql`select id from message_attachments where message_id = ${answer.id}`)).toHaveLength(1);
  });

  it("sees the care team's new message, a cancelled appointment, a changed record entry and a slot taken and freed", async () => {
    const polling = poller();
    // A free slot, as the portal offers it.
    const [free] = await rows<{ id: string; status: string; code: string }>(
      db(),
      sql`select id, status, appointment_type_code as code from slots where status = 'free' and starts_at > now() + interval '2 days' order by starts_at limit 1`,
    );
    expect(free).toBeDefined();

    // Someone else books it through the clinical system; the care team writes; a result is amended.
    const booked = await t.client.create({
      resourceType: "Appointment",
      status: "booked",
      slot: [{ reference: `Slot/${free!.id}` }],
      participant: [{ actor: { reference: `Patient/${patientId}` }, status: "accepted" }],
    } as Appointment);
    const [unit] = await rows<{ id: string }>(db(), sql`select id from care_units order by id limit 1`);
    const sent = await t.standIn.careTeam.send(patientId, { subject: "Kallelse", content: "Välkommen på besök.\n\nMvh mottagningen", fromUnit: unit!.id });
    const [entry] = await rows<{ id: string; version_id: number }>(db(), sql`select id, version_id from record_entries where resource_type = 'Observation' order by id limit 1`);
    const touched = (await t.standIn.careTeam.touch("Observation", entry!.id)) as Observation;
    // A pass asks up to the second it begins in: what changed within it is the next pass's.
    await new Promise((r) => setTimeout(r, 1100));

    await polling.runOnce();
    const [slotAfter] = await rows<{ status: string }>(db(), sql`select status from slots where id = ${free!.id}`);
    expect(slotAfter?.status).toBe("busy");
    const [message] = await rows<{ body: string; direction: string; care_unit_id: string }>(db(), sql`select body, direction, care_unit_id from messages where id = ${sent.id}`);
    expect(message).toEqual({ body: "Välkommen på besök.\n\nMvh mottagningen", direction: "care", care_unit_id: unit!.id });
    const [entryAfter] = await rows<{ version_id: number }>(db(), sql`select version_id from record_entries where resource_type = 'Observation' and id = ${entry!.id}`);
    expect(Number(entryAfter?.version_id)).toBe(Number(touched.meta?.versionId));
    const [appointment] = await rows<{ status: string }>(db(), sql`select status from appointments where id = ${booked.id}`);
    expect(appointment?.status).toBe("booked");

    // The clinic cancels: the appointment turns cancelled and the slot is offered again. The patient deletes the
    // care team's message elsewhere: it is listed no more, and is hidden.
    await t.standIn.careTeam.cancelAppointment(booked.id!);
    const deleted = await t.client.postJson(MESSAGES_PATHS.updateStatus, { patientId, messageIds: [sent.id], status: "DELETED" });
    expect(deleted.status).toBeLessThan(300);
    await polling.runOnce();
    const [hidden] = await rows<{ deleted_at: Date | null }>(db(), sql`select deleted_at from messages where id = ${sent.id}`);
    expect(hidden?.deleted_at).not.toBeNull();
    const shown = await rows<{ id: string }>(db(), sql`select id from messages where person_id = ${patientId} and deleted_at is null and sent_at > now() - interval '90 days'`);
    expect(shown.length).toBeGreaterThan(0);
    const [cancelled] = await rows<{ status: string }>(db(), sql`select status from appointments where id = ${booked.id}`);
    expect(cancelled?.status).toBe("cancelled");
    const [slotFreed] = await rows<{ status: string }>(db(), sql`select status from slots where id = ${free!.id}`);
    expect(slotFreed?.status).toBe((t.standIn.inspect.slot(free!.id) as Slot).status);
    expect(slotFreed?.status).toBe("free");
  });

  it("polls the others when one person cannot be, and says so on the stream", async () => {
    const [other] = await rows<{ id: string }>(db(), sql`select id from people where id <> ${patientId} order by id limit 1`);
    await signIn(other!.id);
    t.standIn.faults.inject({ kind: "status", status: 500 }, { path: "Appointment", times: 1 });
    const before = await readStream(db(), "people");
    const report = await poller({ types: [], slots: false }).runOnce();
    expect(report?.streams).toEqual([expect.objectContaining({ name: "people", ok: true })]);
    const after = await readStream(db(), "people");
    expect(after?.lastSuccessAt?.getTime()).toBeGreaterThan(before!.lastSuccessAt!.getTime());
    expect(after?.lastError).toMatchObject({ kind: "status", status: 500, message: expect.stringMatching(/^1 of 2 people could not be polled/) });
  });

  it("lets one process poll at a time; another takes over when it stops", async () => {
    const a = poller({ id: "process-a", people: false, slots: false });
    const b = poller({ id: "process-b", people: false, slots: false });
    expect(await a.runOnce()).not.toBeNull();
    expect(await b.runOnce()).toBeNull();
    await a.stop();
    expect(await b.runOnce()).not.toBeNull();
  });
});

describe("while the clinical system is down", () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const config = parseConfig({ FEED_TOKEN });
    const app = createHttpApp({ config, database, build: (() => Promise.reject(new Error("not used"))) as unknown as () => Promise<ServerBuild> });
    server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  it("keeps /healthz at 200, and /healthz/clinical says what failed, for the feed's token only", async () => {
    // A clinical system that does not answer: a port nobody listens on.
    const down = createClinicalClient({ ...t.settings, fhirBase: "http://127.0.0.1:9/fhir", tokenUrl: "http://127.0.0.1:9/token", timeoutMs: 500 }, { retry: { retries: 0, maxWaitMs: 0 } });
    await db().execute(sql`update clinical_poll_lease set lease_until = now()`);
    // In the second after the last pass there is nothing new to ask for: a second later there is.
    await new Promise((r) => setTimeout(r, 1100));
    const polling = poller({ client: down, id: "process-down" });
    const report = await polling.runOnce();
    expect(report?.streams.some((s) => !s.ok)).toBe(true);
    await enqueue(db(), { kind: "appointment.book", subjectPersonId: "p-1", payload: {} });
    const failedId = await enqueue(db(), { kind: "appointment.book", subjectPersonId: "p-2", payload: {} });
    await db().execute(sql`update clinical_outbox set state = 'failed', created_at = now() - interval '1 hour' where id = ${failedId}`);
    await db().execute(sql`update clinical_outbox set created_at = now() - interval '90 seconds' where id <> ${failedId}`);

    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);

    expect((await fetch(`${base}/healthz/clinical`)).status).toBe(401);
    expect((await fetch(`${base}/healthz/clinical`, { headers: { authorization: "Bearer wrong-token" } })).status).toBe(401);
    const status = await fetch(`${base}/healthz/clinical`, { headers: { authorization: `Bearer ${FEED_TOKEN}` } });
    expect(status.status).toBe(200);
    expect(status.headers.get("cache-control")).toBe("no-store");
    const body = (await status.json()) as {
      outbox: { pending: number; delivering: number; failed: number; oldestPendingAgeSeconds: number };
      poller: { lease: { holder: string }; streams: { name: string; cursor: string | null; lastSuccessAt: string | null; lastError: { kind: string } | null }[] };
    };
    expect(body.outbox).toMatchObject({ pending: 1, delivering: 0, failed: 1 });
    expect(body.outbox.oldestPendingAgeSeconds).toBeGreaterThanOrEqual(89);
    expect(body.poller.lease.holder).toBe("process-down");
    const observation = body.poller.streams.find((s) => s.name === "lastUpdated:Observation");
    expect(observation?.lastError?.kind).toBe("token");
    expect(body.poller.streams.find((s) => s.name === "people")?.lastError?.kind).toBe("token");
    expect(observation?.cursor).not.toBeNull();
    expect(observation?.lastSuccessAt).not.toBeNull();
  });
});
