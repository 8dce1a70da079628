import type { Appointment, Bundle } from "@medplum/fhirtypes";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parseConfig } from "~/config.server";
import { createTestDatabase, type TestDatabase } from "../../../db/testing";
import { json, settingsFor, startClinicalSystem, type TestClinicalSystem } from "../test-clinical-system";
import { enqueue, type OutboxKind } from "./outbox.server";
import { outboxRelayTask } from "./startup.server";
import { outboxRows } from "./test-clinic";

/**
 * The relay as the server runs it: its own client, over real HTTP, to a clinical system that books once and loses its
 * first answer (the connection drops after the Appointment is made).
 */

let database: TestDatabase;
let system: TestClinicalSystem;
const appointments: Appointment[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  system = await startClinicalSystem({
    api: (request, response) => {
      const url = new URL(request.url, "http://clinical");
      if (request.method === "POST" && url.pathname === "/fhir/Appointment") {
        const appointment = { ...(JSON.parse(request.body) as Appointment), id: `${appointments.length + 1}` };
        appointments.push(appointment);
        if (appointments.length === 1) {
          response.socket?.destroy();
          return;
        }
        response.writeHead(201, { location: `${system.fhirBase}/Appointment/${appointment.id}/_history/1`, etag: 'W/"1"' }).end();
        return;
      }
      if (request.method === "GET" && url.pathname === "/fhir/Appointment") {
        const patient = `Patient/${url.searchParams.get("patient")}`;
        const found = appointments.filter((a) => a.participant.some((p) => p.actor?.reference === patient));
        const bundle: Bundle = { resourceType: "Bundle", type: "searchset", entry: found.map((resource) => ({ resource })) };
        json(response, 200, bundle);
        return;
      }
      json(response, 404, { resourceType: "OperationOutcome", issue: [] });
    },
  });
});
afterAll(async () => {
  await system.close();
  await database.destroy();
});

const slotOf = (a: Appointment) => a.slot?.[0]?.reference;

const bookKind: OutboxKind = {
  async write(row, client) {
    const made = await client.create({
      resourceType: "Appointment",
      status: "booked",
      slot: [{ reference: `Slot/${String(row.payload.slot)}` }],
      participant: [{ actor: { reference: `Patient/${row.subjectPersonId}` }, status: "accepted" }],
    });
    return { id: made.id, versionId: made.versionId };
  },
  async readBack(row, client) {
    const bundle = await client.search("Appointment", { patient: row.subjectPersonId });
    const found = bundle.entry?.map((e) => e.resource as Appointment).find((a) => slotOf(a) === `Slot/${String(row.payload.slot)}`);
    return found ? { id: found.id } : null;
  },
};

it("runs the relay when a clinical system is configured, and delivers over HTTP once though the first answer is lost", async () => {
  const config = { ...parseConfig({}), clinical: settingsFor(system) };
  const stop = await outboxRelayTask({ "test.book": bookKind })({ config, database });
  expect(stop).toBeTypeOf("function");
  await enqueue(database.db, { kind: "test.book", subjectPersonId: "12724066", payload: { slot: "4047611-32216049-61518614-0" } });
  const started = Date.now();
  while ((await outboxRows(database.db))[0]?.state !== "delivered" && Date.now() - started < 15_000) await new Promise((r) => setTimeout(r, 50));
  await stop?.();
  expect((await outboxRows(database.db))[0]).toMatchObject({ state: "delivered", attempts: 2, result: { id: "1" }, last_error: { kind: "network" } });
  expect(appointments).toHaveLength(1);
});

it("runs nothing without a clinical system or without a kind", async () => {
  const config = parseConfig({});
  expect(config.clinical).toBeNull();
  expect(await outboxRelayTask({ "test.book": bookKind })({ config, database })).toBeUndefined();
  expect(await outboxRelayTask({})({ config: { ...config, clinical: settingsFor(system) }, database })).toBeUndefined();
});
