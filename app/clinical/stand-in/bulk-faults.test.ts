import type { Appointment, Group, Resource } from "@medplum/fhirtypes";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClinicalClient } from "../client.server";
import { NOT_EXPORTED_TYPES } from "../millennium";
import { freeSlots, startTestStandIn, type TestStandIn } from "./test-stand-in";

let t: TestStandIn;
const PATIENT = "10000001";

beforeAll(async () => {
  t = await startTestStandIn({ bulkRetryAfterSeconds: 1 });
});
afterAll(async () => {
  await t.standIn.stop();
});

describe("Bulk export", () => {
  it("runs end to end: kick-off, 202 with Retry-After, manifest, files behind a 307 that refuse the token", async () => {
    const groupId = t.standIn.inspect.groupId;
    const exportPath = `Group/${groupId}/$export`;
    expect((await t.client.raw({ method: "GET", path: exportPath, headers: { accept: "application/fhir+json" } })).status).toBe(400);

    const kickOff = await t.client.raw({ method: "GET", path: exportPath, headers: { accept: "application/fhir+json", prefer: "respond-async" } });
    expect(kickOff.status).toBe(202);
    const statusUrl = kickOff.headers.get("content-location");
    expect(statusUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    const second = await t.client.raw({ method: "GET", path: exportPath, headers: { prefer: "respond-async" } });
    expect(second.status).toBe(429);

    const running = await t.client.raw({ method: "GET", path: statusUrl! });
    expect(running.status).toBe(202);
    expect(running.headers.get("retry-after")).toBe("1");
    const done = await t.client.raw({ method: "GET", path: statusUrl! });
    expect(done.status).toBe(200);
    const manifest = (await done.json()) as { requiresAccessToken: boolean; output: { type: string; url: string; count: number }[] };
    expect(manifest.requiresAccessToken).toBe(false);
    const types = manifest.output.map((o) => o.type);
    expect(types).toEqual(expect.arrayContaining(["Patient", "Observation", "Encounter"]));
    for (const type of NOT_EXPORTED_TYPES) expect(types).not.toContain(type);

    const patients = manifest.output.find((o) => o.type === "Patient")!;
    const response = await t.client.download(patients.url, { requiresAccessToken: false });
    const lines = (await response.text()).trim().split("\n").map((l) => JSON.parse(l) as Resource);
    const group = (await t.client.read<Group>("Group", groupId)).resource;
    expect(lines.length).toBe(group.member?.length);
    expect(lines.map((p) => p.id)).toContain(PATIENT);

    // The pre-signed URL: a redirect away, and it refuses the Authorization header.
    const redirect = await fetch(patients.url, { redirect: "manual" });
    expect(redirect.status).toBe(307);
    const presigned = redirect.headers.get("location")!;
    expect((await fetch(presigned, { headers: { authorization: "Bearer anything" } })).status).toBe(403);
    const gzipped = await fetch(presigned, { headers: { "accept-encoding": "gzip" } });
    expect(gzipped.headers.get("content-encoding")).toBe("gzip");
    expect((await gzipped.text()).trim().split("\n").length).toBe(lines.length);

    // Done: another export may start.
    expect((await t.client.raw({ method: "GET", path: `${exportPath}?_type=Patient`, headers: { prefer: "respond-async" } })).status).toBe(202);
    expect((await t.client.raw({ method: "GET", path: `${exportPath}?_type=Appointment`, headers: { prefer: "respond-async" } })).status).toBe(400);
  });
});

describe("faults", () => {
  const book = (slotId: string, client = t.client) =>
    client.create({
      resourceType: "Appointment",
      status: "booked",
      slot: [{ reference: `Slot/${slotId}` }],
      participant: [{ actor: { reference: `Patient/${PATIENT}` }, status: "accepted" }],
    } as Appointment);
  const bookedOn = (slotId: string) => t.standIn.inspect.appointments({ slot: slotId }).filter((a) => a.status === "booked").length;

  it("status: answered without doing anything, with Retry-After", async () => {
    const [slot] = await freeSlots(t.client);
    t.standIn.faults.inject({ kind: "status", status: 503, retryAfterSeconds: 120 }, { method: "POST", path: "Appointment" });
    await expect(book(slot!.id!)).rejects.toMatchObject({ kind: "status", status: 503, retryAfterMs: 120_000 });
    expect(bookedOn(slot!.id!)).toBe(0);
    // Taken once: the next one goes through.
    expect((await book(slot!.id!)).status).toBe(201);
  });

  it("drop: the connection closes before anything happened", async () => {
    const [slot] = await freeSlots(t.client);
    t.standIn.faults.inject({ kind: "drop" }, { path: "Appointment" });
    await expect(book(slot!.id!)).rejects.toMatchObject({ kind: "network" });
    expect(bookedOn(slot!.id!)).toBe(0);
  });

  it("lostAnswer: the booking happened, the answer was lost", async () => {
    const [slot] = await freeSlots(t.client);
    t.standIn.faults.inject({ kind: "lostAnswer" }, { method: "POST" });
    await expect(book(slot!.id!)).rejects.toMatchObject({ kind: "network" });
    expect(bookedOn(slot!.id!)).toBe(1);
    // Booking again, as a careless client would, is refused: the slot is busy.
    await expect(book(slot!.id!)).rejects.toMatchObject({ status: 422 });
  });

  it("appliedThenStatus: the booking happened, a 500 came back", async () => {
    const [slot] = await freeSlots(t.client);
    t.standIn.faults.inject({ kind: "appliedThenStatus", status: 500 }, { method: "POST", path: "Appointment" });
    await expect(book(slot!.id!)).rejects.toMatchObject({ kind: "status", status: 500 });
    expect(bookedOn(slot!.id!)).toBe(1);
  });

  it("delay: the client times out, the booking happens after", async () => {
    const [slot] = await freeSlots(t.client);
    const impatient = createClinicalClient({ ...t.settings, timeoutMs: 1000 }, { retry: { retries: 0, maxWaitMs: 0 } });
    await impatient.read("Patient", PATIENT); // the token first, outside the delay
    t.standIn.faults.inject({ kind: "delay", ms: 1500 }, { method: "POST", path: "Appointment" });
    await expect(book(slot!.id!, impatient)).rejects.toMatchObject({ kind: "timeout" });
    await new Promise((r) => setTimeout(r, 800));
    expect(bookedOn(slot!.id!)).toBe(1);
  });

  it("latency, times and clear", async () => {
    t.standIn.faults.setLatency(300);
    const started = Date.now();
    await t.client.read("Patient", PATIENT);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    t.standIn.faults.clear();

    t.standIn.faults.inject({ kind: "status", status: 429 }, { path: "Patient", times: 2 });
    await expect(t.client.read("Patient", PATIENT)).rejects.toMatchObject({ status: 429 });
    await expect(t.client.read("Patient", PATIENT)).rejects.toMatchObject({ status: 429 });
    expect((await t.client.read("Patient", PATIENT)).resource.id).toBe(PATIENT);
    t.standIn.faults.inject({ kind: "status", status: 500 }, { path: "Patient", times: 5 });
    t.standIn.faults.clear();
    expect((await t.client.read("Patient", PATIENT)).resource.id).toBe(PATIENT);
  });

  it("is injected over loopback HTTP too, outside the FHIR token", async () => {
    const injected = await fetch(`${t.standIn.origin}/_stand-in/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ fault: { kind: "status", status: 423 }, match: { method: "GET", path: "Patient" } }),
    });
    expect(injected.status).toBe(200);
    await expect(t.client.read("Patient", PATIENT)).rejects.toMatchObject({ status: 423 });
    const refused = await fetch(`${t.standIn.origin}/_stand-in/faults`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ fault: { kind: "explode" } }) });
    expect(refused.status).toBe(400);
  });
});
