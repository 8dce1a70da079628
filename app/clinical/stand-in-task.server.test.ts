import { createServer } from "node:net";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parseConfig } from "~/config.server";
import { loadDemoData } from "~/feed/demo/load.server";
import { createSession } from "~/identity/session.server";
import { rowsOf } from "../../db/connection";
import { createTestDatabase, type TestDatabase } from "../../db/testing";
import { createClinicalClient } from "./client.server";
import { clinicalSettings } from "./connection.server";
import { enqueue } from "./outbox/outbox.server";
import { outboxRelayTask } from "./outbox/startup.server";
import { clinicalPollerTask } from "./poller/startup.server";
import { clinicalStandInTask } from "./stand-in-task.server";
import { writeTargets } from "./stand-in/test-stand-in";
import { appointmentKinds, appointmentRows } from "./writes/appointments.server";
import { messageWriteKinds as messageKinds } from "./writes/messages.server";
import { enqueueOutgoing } from "./writes/test-messages";

/**
 * What `npm start` does without a clinical system configured: the stand-in runs as a process of its own, the portal
 * is its registered client, and a row written to the outbox reaches it through the relay, over HTTP.
 */

let database: TestDatabase;
const stops: (() => Promise<void>)[] = [];

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
  await database.destroy();
});

it("starts the stand-in as a process on DEV_CLINICAL_PORT, and the relay delivers the outbox's writes to it", async () => {
  const port = await freePort();
  const config = parseConfig({ NODE_ENV: "test", DEV_CLINICAL_PORT: String(port), CLINICAL_OUTBOX_LEASE_MS: "60000" });
  expect(clinicalSettings(config)).toBeNull();
  const stopStandIn = await clinicalStandInTask({ config, database });
  if (stopStandIn) stops.push(stopStandIn);
  const settings = clinicalSettings(config);
  expect(settings?.fhirBase).toBe(`http://127.0.0.1:${port}`);

  const client = createClinicalClient(settings!);
  const { patientIds, groupInboxIds, slots } = await writeTargets(client);
  const patientId = patientIds[0]!;
  const slot = slots[0]!;
  await enqueue(database.db, appointmentRows.book({ patientId, slotId: slot.id, start: slot.start }));
  await enqueueOutgoing(database.db, { personId: patientId, careUnitId: groupInboxIds[0]!, topic: "Fråga om provsvar", body: "Hej!" });

  const stopRelay = await outboxRelayTask({ ...appointmentKinds, ...messageKinds })({ config, database });
  if (stopRelay) stops.push(stopRelay);
  const deadline = Date.now() + 20_000;
  let rows: { kind: string; state: string; result: Record<string, string> | null }[] = [];
  while (Date.now() < deadline) {
    rows = rowsOf(await database.db.execute(sql`select kind, state, result from clinical_outbox order by id`));
    if (rows.every((r) => r.state === "delivered")) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(rows.map((r) => [r.kind, r.state])).toEqual([
    ["appointment.book", "delivered"],
    ["message.send", "delivered"],
  ]);

  // What the stand-in holds now, asked over its own API.
  const { resource: appointment } = await client.read("Appointment", rows[0]!.result!.appointmentId!);
  expect(appointment).toMatchObject({ status: "booked", slot: [{ reference: `Slot/${slot.id}` }] });
  const sent = (await client.getJson<{ items: { id: string; subject: string }[] }>("patientMessages/sentItems", { patientId })).items;
  expect(sent.filter((m) => m.id === rows[1]!.result!.messageId).map((m) => m.subject)).toEqual(["Fråga om provsvar"]);
}, 60_000);

it("stops the stand-in's process with the portal", async () => {
  const port = await freePort();
  const config = parseConfig({ NODE_ENV: "test", DEV_CLINICAL_PORT: String(port) });
  const stop = await clinicalStandInTask({ config, database });
  expect((await fetch(`http://127.0.0.1:${port}/metadata`)).status).toBe(200);
  await stop!();
  expect(clinicalSettings(config)).toBeNull();
  await expect(fetch(`http://127.0.0.1:${port}/metadata`)).rejects.toThrow();
}, 60_000);

it("names the port when the stand-in cannot listen", async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
  const { port } = blocker.address() as { port: number };
  try {
    const config = parseConfig({ NODE_ENV: "test", DEV_CLINICAL_PORT: String(port) });
    await expect(clinicalStandInTask({ config, database })).rejects.toThrow(/DEV_CLINICAL_PORT/);
  } finally {
    blocker.close();
  }
}, 60_000);

it("brings what the care team does in the stand-in into the portal within the polling interval", async () => {
  const own = await createTestDatabase();
  try {
    await loadDemoData(own.db, { patients: 0 });
    const port = await freePort();
    const config = parseConfig({ NODE_ENV: "test", DEV_CLINICAL_PORT: String(port), CLINICAL_POLL_INTERVAL_MS: "1000" });
    const stopStandIn = await clinicalStandInTask({ config, database: own });
    try {
      const control = `http://127.0.0.1:${port}/_stand-in`;
      const main = "10000001";
      // She uses the portal: the poller asks about her.
      await createSession(own.db, { personId: main });
      const booked = ((await (await fetch(`${control}/inspect/appointments?patient=${main}`)).json()) as { id: string; status: string; start: string }[]).find(
        (a) => a.status === "booked" && Date.parse(a.start) > Date.now(),
      )!;
      const before = rowsOf<{ status: string }>(await own.db.execute(sql`select status from appointments where id = ${booked.id}`));
      expect(before).toEqual([{ status: "booked" }]);
      const cancelled = await fetch(`${control}/care-team/cancel`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ appointmentId: booked.id }) });
      expect(cancelled.status).toBe(200);

      const stopPoller = await clinicalPollerTask({ config, database: own });
      try {
        const deadline = Date.now() + 20_000;
        let status: string | undefined;
        while (Date.now() < deadline) {
          status = rowsOf<{ status: string }>(await own.db.execute(sql`select status from appointments where id = ${booked.id}`))[0]?.status;
          if (status === "cancelled") break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        expect(status).toBe("cancelled");
      } finally {
        await stopPoller?.();
      }
    } finally {
      await stopStandIn?.();
    }
  } finally {
    await own.destroy();
  }
}, 90_000);
