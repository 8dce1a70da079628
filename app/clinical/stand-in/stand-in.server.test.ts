import type { Appointment, Bundle, CapabilityStatement, Schedule, Slot } from "@medplum/fhirtypes";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClinicalError } from "../http.server";
import { IS_CANCELABLE_URL } from "../millennium";
import { ASSERTION_TYPE } from "./auth.server";
import { startClinicalStandIn } from "./stand-in.server";
import { assertion, CLIENT_ID, freeSlots, newSigningKey, slotWindow, startTestStandIn, tokenRequest, type TestStandIn } from "./test-stand-in";

let t: TestStandIn;
const PATIENT = "10000001";

beforeAll(async () => {
  t = await startTestStandIn();
});
afterAll(async () => {
  await t.standIn.stop();
});

const statusOf = (promise: Promise<unknown>) => promise.then(() => 200, (e: unknown) => (e instanceof ClinicalError ? e.status : e));
const book = (slotId: string, extra: Partial<Appointment> = {}) =>
  t.client.create({
    resourceType: "Appointment",
    status: "booked",
    slot: [{ reference: `Slot/${slotId}` }],
    participant: [{ actor: { reference: `Patient/${PATIENT}` }, status: "accepted" }],
    ...extra,
  } as Appointment);

describe("the token endpoint", () => {
  const form = async (overrides: Parameters<typeof assertion>[2] = {}, scope = "system/Patient.read", key = t.signingKey) => ({
    grant_type: "client_credentials",
    client_assertion_type: ASSERTION_TYPE,
    client_assertion: await assertion(key, t.standIn.tokenUrl, overrides),
    scope,
  });

  it("grants a bearer token for a good assertion, with the scopes asked for", async () => {
    const { status, body } = await tokenRequest(t.standIn.tokenUrl, await form());
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 570, scope: "system/Patient.read" });
    const read = await fetch(`${t.standIn.fhirBase}/Patient/${PATIENT}`, { headers: { authorization: `Bearer ${body.access_token as string}` } });
    expect(read.status).toBe(200);
  });

  it("refuses an assertion signed by a key not registered, or for another audience", async () => {
    const stranger = await tokenRequest(t.standIn.tokenUrl, await form({}, "system/Patient.read", newSigningKey()));
    expect(stranger).toMatchObject({ status: 400, body: { error: "invalid_client" } });
    const elsewhere = await tokenRequest(t.standIn.tokenUrl, await form({ aud: "https://elsewhere.invalid/token" }));
    expect(elsewhere).toMatchObject({ status: 400, body: { error: "invalid_client" } });
    const otherSubject = await tokenRequest(t.standIn.tokenUrl, await form({ sub: "someone" }));
    expect(otherSubject).toMatchObject({ status: 400, body: { error: "invalid_client" } });
  });

  it("refuses an assertion living longer than 5 minutes", async () => {
    expect(await tokenRequest(t.standIn.tokenUrl, await form({ expInSeconds: 3600 }))).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  });

  it("refuses a wildcard scope", async () => {
    expect(await tokenRequest(t.standIn.tokenUrl, await form({}, "system/*.read"))).toMatchObject({ status: 400, body: { error: "invalid_scope" } });
  });

  it("refuses a jti used before", async () => {
    const once = await form({ jti: "the-same-jti" });
    expect((await tokenRequest(t.standIn.tokenUrl, once)).status).toBe(200);
    const again = await form({ jti: "the-same-jti" });
    expect(await tokenRequest(t.standIn.tokenUrl, again)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  });

  it("answers 401 with an OperationOutcome without a token it issued, and 403 outside the scopes", async () => {
    const none = await fetch(`${t.standIn.fhirBase}/Patient/${PATIENT}`);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ resourceType: "OperationOutcome" });
    const forged = await fetch(`${t.standIn.fhirBase}/Patient/${PATIENT}`, { headers: { authorization: "Bearer made-up" } });
    expect(forged.status).toBe(401);
    const { body } = await tokenRequest(t.standIn.tokenUrl, await form({}, "system/Patient.read"));
    const outside = await fetch(`${t.standIn.fhirBase}/Observation?patient=${PATIENT}`, { headers: { authorization: `Bearer ${body.access_token as string}` } });
    expect(outside.status).toBe(403);
  });
});

describe("reading and searching", () => {
  it("serves a CapabilityStatement without a token", async () => {
    const response = await fetch(`${t.standIn.fhirBase}/metadata`);
    const statement = (await response.json()) as CapabilityStatement;
    const group = statement.rest?.[0]?.resource?.find((r) => r.type === "Group");
    expect(group?.operation?.[0]?.name).toBe("export");
    expect(statement.rest?.[0]?.resource?.find((r) => r.type === "Appointment")?.interaction?.map((i) => i.code)).toContain("patch");
  });

  it("reads a demo resource by its generated id, with a weak ETag", async () => {
    const { resource, etag } = await t.client.read("Patient", PATIENT);
    expect(resource.id).toBe(PATIENT);
    expect(etag).toBe('W/"1"');
  });

  it("refuses _lastUpdated on Appointment and more than two _lastUpdated, and pages others with next links", async () => {
    await expect(statusOf(t.client.search("Appointment", [["patient", PATIENT], ["_lastUpdated", "gt2020-01-01"]]))).resolves.toBe(400);
    await expect(statusOf(t.client.search("Observation", [["_lastUpdated", "gt2020-01-01"], ["_lastUpdated", "lt2030-01-01"], ["_lastUpdated", "ne2021-01-01"]]))).resolves.toBe(400);
    const pages: Bundle[] = [];
    for await (const page of t.client.searchPages("Observation", [["_lastUpdated", "gt2000-01-01"], ["_count", "100"]])) pages.push(page);
    expect(pages.length).toBeGreaterThan(1);
    const ids = pages.flatMap((p) => (p.entry ?? []).map((e) => e.resource?.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThan(100);
  });

  it("narrows Slot search by schedule.actor and includes the schedules when asked", async () => {
    const [slot] = await freeSlots(t.client);
    const bundle = await t.client.search("Slot", [["service-type", "provtagning"], ...slotWindow(), ["_include", "Slot:schedule"], ["_count", "5"]]);
    const schedules = (bundle.entry ?? []).filter((e) => e.search?.mode === "include").map((e) => e.resource as Schedule);
    expect(schedules.length).toBeGreaterThan(0);
    const scheduleOfSlot = schedules.find((s) => `Schedule/${s.id}` === slot!.schedule.reference)!;
    const practitioner = scheduleOfSlot.actor.find((a) => a.reference?.startsWith("Practitioner/"))!.reference!;
    const narrowed = (await t.client.searchAll("Slot", [["service-type", "provtagning"], ...slotWindow(), ["schedule.actor", practitioner]])) as Slot[];
    expect(narrowed.length).toBeGreaterThan(0);
    expect(narrowed.every((s) => s.schedule.reference === slot!.schedule.reference)).toBe(true);
    await expect(statusOf(t.client.search("Slot", [["service-type", "provtagning"], ...slotWindow(), ["schedule.actor", practitioner], ["schedule.actor", practitioner]]))).resolves.toBe(400);
    const none = await t.client.search("Slot", [["service-type", "provtagning"], ...slotWindow(), ["schedule.actor", "Practitioner/nobody"]]);
    expect(none.entry ?? []).toEqual([]);
  });

  it("reads a reference parameter given a bare id as a reference to its target (patient=123)", async () => {
    const bare = await t.client.searchAll("Observation", { patient: PATIENT });
    const full = await t.client.searchAll("Observation", { subject: `Patient/${PATIENT}` });
    expect(bare.length).toBeGreaterThan(5);
    expect(bare.map((o) => o.id).sort()).toEqual(full.map((o) => o.id).sort());
    await expect(statusOf(t.client.search("Observation", { "no-such-parameter": "1" }))).resolves.toBe(400);
  });

  it("refuses an Appointment search without a date window, or by identifier", async () => {
    await expect(statusOf(t.client.search("Appointment", { patient: PATIENT }))).resolves.toBe(400);
    await expect(statusOf(t.client.search("Appointment", [["date", "ge2020-01-01"], ["date", "lt2030-01-01"]]))).resolves.toBe(400);
    await expect(statusOf(t.client.search("Appointment", [["identifier", "x|1"], ["patient", PATIENT], ["date", "ge2020-01-01"], ["date", "lt2030-01-01"]]))).resolves.toBe(400);
    const found = await t.client.searchAll("Appointment", [["patient", PATIENT], ["date", "ge2000-01-01"], ["date", "lt2100-01-01"]]);
    expect(found.length).toBeGreaterThan(0);
  });

  it("refuses a Slot search without service-type or both start bounds, and gives free slots only", async () => {
    await expect(statusOf(t.client.search("Slot", [["service-type", "provtagning"], ["start", slotWindow()[0]![1]]]))).resolves.toBe(400);
    await expect(statusOf(t.client.search("Slot", slotWindow()))).resolves.toBe(400);
    const slots = (await t.client.searchAll("Slot", [["service-type", "provtagning"], ...slotWindow()])) as Slot[];
    expect(slots.length).toBeGreaterThan(10);
    expect(slots.every((s) => s.status === "free")).toBe(true);
  });
});

describe("booking", () => {
  it("books a free slot: 201, Location, ETag W/\"0\", an empty body; the slot turns busy", async () => {
    const [slot] = await freeSlots(t.client);
    const result = await book(slot!.id!, { reasonCode: [{ text: "Kontroll" }] });
    expect(result).toMatchObject({ status: 201, etag: 'W/"0"', resource: undefined });
    expect(result.location).toBe(`${t.standIn.fhirBase}/Appointment/${result.id}`);
    const { resource: appointment, etag } = await t.client.read<Appointment>("Appointment", result.id!);
    expect(etag).toBe('W/"0"');
    expect(appointment).toMatchObject({ status: "booked", start: slot!.start, end: slot!.end, slot: [{ reference: `Slot/${slot!.id}` }] });
    expect(appointment.participant.map((p) => p.actor?.reference?.split("/")[0])).toEqual(expect.arrayContaining(["Patient", "Practitioner", "HealthcareService"]));
    expect(appointment.extension?.find((e) => e.url === IS_CANCELABLE_URL)?.valueBoolean).toBe(true);
    expect(t.standIn.inspect.slot(slot!.id!)?.status).toBe("busy");
    // A busy slot is found by _id only.
    const byId = await t.client.search("Slot", { _id: slot!.id! });
    expect(byId.entry?.[0]?.resource).toMatchObject({ status: "busy" });
    // Read back as the outbox would.
    const found = await t.client.searchAll("Appointment", [["patient", PATIENT], ["date", `ge${slot!.start!.slice(0, 10)}`], ["date", "lt2100-01-01"]]);
    expect(found.map((a) => a.id)).toContain(result.id);
  });

  it("answers 422 for a busy slot, an identifier, or a second participant", async () => {
    const [slot] = await freeSlots(t.client);
    await book(slot!.id!);
    await expect(statusOf(book(slot!.id!))).resolves.toBe(422);
    const [other] = await freeSlots(t.client);
    const identified = await book(other!.id!, { identifier: [{ system: "urn:portal", value: "1" }] }).catch((e: unknown) => e);
    expect(identified).toMatchObject({ status: 422, outcome: { issue: [{ diagnostics: expect.stringMatching(/identifier/) as unknown }] } });
    await expect(
      statusOf(book(other!.id!, { participant: [{ actor: { reference: `Patient/${PATIENT}` }, status: "accepted", type: [{ text: "x" }] }] })),
    ).resolves.toBe(422);
    expect(t.standIn.inspect.slot(other!.id!)?.status).toBe("free");
    const past = { ...other!, id: "past-slot", start: "2020-01-01T08:00:00+01:00", end: "2020-01-01T08:10:00+01:00", status: "free" as const };
    await t.standIn.careTeam.record(past);
    await expect(statusOf(book("past-slot"))).resolves.toBe(422);
  });

  it("cancels with If-Match only at the current version, freeing the slot", async () => {
    const [slot] = await freeSlots(t.client);
    const { id } = await book(slot!.id!);
    const cancel = [
      { op: "replace", path: "/status", value: "cancelled" },
      { op: "add", path: "/cancelationReason", value: { text: "Förhinder" } },
    ] as const;
    const noIfMatch = await t.client.raw({ method: "PATCH", path: `Appointment/${id}`, headers: { "content-type": "application/json-patch+json" }, body: JSON.stringify(cancel) });
    expect(noIfMatch.status).toBe(412);
    await expect(statusOf(t.client.patch("Appointment", id!, cancel, { ifMatch: 'W/"7"' }))).resolves.toBe(409);
    const done = await t.client.patch("Appointment", id!, cancel, { ifMatch: 'W/"0"' });
    expect(done).toMatchObject({ status: 200, etag: 'W/"1"' });
    expect(t.standIn.inspect.resource<Appointment>("Appointment", id!)).toMatchObject({ status: "cancelled", cancelationReason: { text: "Förhinder" } });
    expect(t.standIn.inspect.slot(slot!.id!)?.status).toBe("free");
    await expect(statusOf(t.client.patch("Appointment", id!, cancel, { ifMatch: 'W/"1"' }))).resolves.toBe(422);
    await expect(statusOf(t.client.patch("Appointment", id!, [{ op: "replace", path: "/status", value: "noshow" }], { ifMatch: 'W/"1"' }))).resolves.toBe(422);
  });

  it("reschedules to a free slot (old freed, new busy, times moved), and not to a busy one", async () => {
    const [from, to, busy] = await freeSlots(t.client, "provtagning", 3);
    const { id } = await book(from!.id!);
    await book(busy!.id!);
    const move = (slotId: string) => [{ op: "replace", path: "/slot", value: [{ reference: `Slot/${slotId}` }] }] as const;
    await expect(statusOf(t.client.patch("Appointment", id!, move(busy!.id!), { ifMatch: 'W/"0"' }))).resolves.toBe(422);
    await t.client.patch("Appointment", id!, move(to!.id!), { ifMatch: 'W/"0"' });
    expect(t.standIn.inspect.resource<Appointment>("Appointment", id!)).toMatchObject({ start: to!.start, end: to!.end, slot: [{ reference: `Slot/${to!.id}` }] });
    expect(t.standIn.inspect.slot(from!.id!)?.status).toBe("free");
    expect(t.standIn.inspect.slot(to!.id!)?.status).toBe("busy");
  });

  it("books a slot once when five bookings of it arrive together", async () => {
    const [slot] = await freeSlots(t.client);
    await t.client.read("Patient", PATIENT);
    const statuses = await Promise.all(Array.from({ length: 5 }, () => statusOf(book(slot!.id!).then((r) => r.status))));
    expect(statuses.sort()).toEqual([200, 422, 422, 422, 422]);
    expect(t.standIn.inspect.appointments({ slot: slot!.id! })).toHaveLength(1);
  });

  it("holds a slot by PATCH of its status only", async () => {
    const [slot] = await freeSlots(t.client);
    const { etag } = await t.client.read<Slot>("Slot", slot!.id!);
    await expect(statusOf(t.client.patch("Slot", slot!.id!, [{ op: "replace", path: "/status", value: "busy" }], { ifMatch: etag! }))).resolves.toBe(422);
    await expect(statusOf(t.client.patch("Slot", slot!.id!, [{ op: "replace", path: "/start", value: "2030-01-01" }], { ifMatch: etag! }))).resolves.toBe(422);
    const held = await t.client.patch("Slot", slot!.id!, [{ op: "replace", path: "/status", value: "busy-tentative" }], { ifMatch: etag! });
    expect(held.status).toBe(200);
    expect(t.standIn.inspect.slot(slot!.id!)?.status).toBe("busy-tentative");
    // The hold is the booker's: it can still be booked.
    expect((await book(slot!.id!)).status).toBe(201);
  });
});

describe("the care team", () => {
  it("cancels an appointment (a new version, the slot free) and touches a resource for the poller", async () => {
    const [slot] = await freeSlots(t.client);
    const { id } = await book(slot!.id!);
    await t.standIn.careTeam.cancelAppointment(id!, "Sjuk personal");
    const { resource, etag } = await t.client.read<Appointment>("Appointment", id!);
    expect(resource.status).toBe("cancelled");
    expect(etag).toBe('W/"1"');
    expect(t.standIn.inspect.slot(slot!.id!)?.status).toBe("free");

    const since = new Date().toISOString();
    const [observation] = await t.client.searchAll("Observation", { subject: `Patient/${PATIENT}`, _count: "1" });
    await t.standIn.careTeam.touch("Observation", observation!.id!);
    const changed = await t.client.searchAll("Observation", { _lastUpdated: `ge${since}` });
    expect(changed.map((o) => o.id)).toEqual([observation!.id]);
  });
});

describe("production", () => {
  it("refuses to start with NODE_ENV=production", async () => {
    await expect(startClinicalStandIn({ nodeEnv: "production", port: 0 })).rejects.toThrow(/NODE_ENV=production/);
  });

  it("starts with no demo data and knows only the client registered", async () => {
    const empty = await startClinicalStandIn({ nodeEnv: "test", port: 0, demo: false });
    try {
      const { status, body } = await tokenRequest(empty.tokenUrl, {
        grant_type: "client_credentials",
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: await assertion(t.signingKey, empty.tokenUrl),
        scope: "system/Patient.read",
      });
      expect(status).toBe(400);
      expect(body.error).toBe("invalid_client");
      expect(CLIENT_ID).toBe("portal");
    } finally {
      await empty.stop();
    }
  });
});
