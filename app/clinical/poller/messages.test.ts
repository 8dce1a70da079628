import type { Communication, Reference, Resource } from "@medplum/fhirtypes";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestBatch, ingestStream } from "~/feed/ingest.server";
import { generateDemoResources } from "~/feed/demo/generate";
import { rows, truncateFeedTables } from "~/feed/test-factories";
import { createTestDatabase, type TestDatabase } from "../../../db/testing";
import type { PatientMessage } from "../millennium";
import { messageOfCommunication } from "../stand-in/messages.server";
import { messageText, messageToCommunication } from "./messages";

/**
 * A message of the Messages API, turned into a Communication, lands in the read model as the same message pushed as
 * FHIR does: the demo data's Communications, turned into Messages API items by the stand-in's own conversion (same
 * id, content as XHTML, time, sender, status), and back.
 */

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.destroy();
});

const TODAY = new Date("2026-12-06T10:00:00Z");

function idOf(ref: Reference | undefined): { type: string; id: string } {
  const [type, id] = (ref?.reference ?? "").split("/");
  return { type: type!, id: id! };
}

async function messageRows() {
  return rows<Record<string, unknown>>(
    database.db,
    sql`select id, version_id, last_updated, deleted_at, person_id, subject_reference, thread_id, parent_id, parent_reference, topic, direction,
               care_unit_id, care_unit_reference, sender_reference, sender_name, body, sent_at, read_at, status
          from messages order by id`,
  );
}

describe("messages from the Messages API", () => {
  it("land in the read model exactly as the demo data's Communications do", async () => {
    const all: Resource[] = [...generateDemoResources({ today: TODAY, patients: 20, seed: 11 })];
    const communications = all.filter((r): r is Communication => r.resourceType === "Communication");
    expect(communications.length).toBeGreaterThan(10);
    expect(communications.some((c) => idOf(c.sender).type === "RelatedPerson")).toBe(true);

    await truncateFeedTables(database.db);
    await ingestStream(database.db, all, { source: "test" });
    const direct = await messageRows();
    expect(direct).toHaveLength(communications.length);

    await truncateFeedTables(database.db);
    await ingestStream(database.db, all.filter((r) => r.resourceType !== "Communication"), { source: "test" });
    const guardians = new Set(all.filter((r) => r.resourceType === "RelatedPerson").map((r) => r.id!));
    // Newest first, as a list answers: threads resolve whatever the order.
    const polled = communications.map((c) => messageOfCommunication(c as Communication & { id: string })!).reverse().map((m) => messageToCommunication(m, { relatedPersonIds: guardians }));
    const { report } = await ingestBatch(database.db, { kind: "resources", resources: polled }, { source: "poller" });
    expect(report.rejectedCount).toBe(0);
    // The same rows but for the version: the Messages API's status makes it (poller/messages.ts), so a care message
    // the citizen has read (OPENED) is version 3 where the demo's Communication is version 1.
    const withoutVersion = (rows: Record<string, unknown>[]) => rows.map(({ version_id: _v, ...rest }) => rest);
    const polledRows = await messageRows();
    expect(withoutVersion(polledRows)).toEqual(withoutVersion(direct));
    const byId = new Map(polled.map((c) => [c.id, c]));
    for (const row of polledRows) {
      const status = byId.get(String(row.id))?.extension?.[0]?.valueCode;
      expect(Number(row.version_id)).toBe(status === "OPENED" ? 3 : 1);
    }

    // Polled again (the next pass), nothing changes; the same messages pushed after being polled change nothing either.
    const again = await ingestBatch(database.db, { kind: "resources", resources: polled }, { source: "poller" });
    expect(again.report).toMatchObject({ stored: 0, unchanged: polled.length });
    const pushed = await ingestBatch(database.db, { kind: "resources", resources: communications }, { source: "test" });
    // (Unchanged, or older: a care message the citizen has read is version 3 from the poller, 1 as the demo pushes it.)
    expect(pushed.report).toMatchObject({ stored: 0 });
    expect(await messageRows()).toEqual(polledRows);
  });

  it("hides a message once the Messages API says DELETED, and keeps it as a tombstone", async () => {
    await truncateFeedTables(database.db);
    const message: PatientMessage = {
      id: "m-1",
      patientId: "p-1",
      subject: "Provsvar",
      content: "<div><p>Hej!</p><p>Dina prover &amp; svar ser bra ut.</p></div>",
      createDateTime: "2026-12-01T09:00:00Z",
      sender: { id: "pool-7", type: "GROUPINBOX", display: "Vårdcentralen Kungshöjd" },
      recipients: [{ id: "p-1", type: "PERSON" }],
      status: "UNREAD",
      notificationType: "MESSAGE",
      organizationId: "org-1",
    };
    await ingestBatch(database.db, { kind: "resources", resources: [messageToCommunication(message)] }, { source: "poller" });
    let [row] = await messageRows();
    expect(row).toMatchObject({ direction: "care", body: "Hej!\n\nDina prover & svar ser bra ut.", care_unit_reference: "Organization/org-1", deleted_at: null });
    await ingestBatch(database.db, { kind: "resources", resources: [messageToCommunication({ ...message, status: "OPENED" })] }, { source: "poller" });
    await ingestBatch(database.db, { kind: "resources", resources: [messageToCommunication({ ...message, status: "DELETED" })] }, { source: "poller" });
    [row] = await messageRows();
    expect(row?.deleted_at).not.toBeNull();
  });

  it("names the unit of a clinician's message by its organizationId, and threads a reply under what it answers", () => {
    const c = messageToCommunication({
      id: "m-2",
      patientId: "p-1",
      subject: "Re: Provsvar",
      content: "Tack, då vet jag.",
      createDateTime: "2026-12-02T09:00:00Z",
      sender: { id: "p-1", type: "PERSON" },
      recipients: [{ id: "dr-1", type: "PERSONNEL" }],
      previousMessageId: "m-1",
      notificationType: "MESSAGE",
      organizationId: "org-1",
    });
    expect(c).toMatchObject({
      sender: { reference: "Patient/p-1" },
      recipient: [{ reference: "Practitioner/dr-1" }, { reference: "Organization/org-1" }],
      inResponseTo: [{ reference: "Communication/m-1" }],
      payload: [{ contentString: "Tack, då vet jag." }],
    });
    expect(messageText("Rad ett\n\nRad två")).toBe("Rad ett\n\nRad två");
    expect(messageText('<div xmlns="http://www.w3.org/1999/xhtml"><p>Rad ett<br/>Rad två</p><p>A &amp; B &lt;3</p></div>')).toBe("Rad ett\nRad två\n\nA & B <3");
  });
});
