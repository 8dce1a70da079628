import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { rowsOf, type Database } from "../../db/connection";
import { createTestDatabase, type TestDatabase } from "../../db/testing";
import { createClinicalClient, type ClinicalClient } from "~/clinical/client.server";
import { enqueue } from "~/clinical/outbox/outbox.server";
import { createRelay, type Relay } from "~/clinical/outbox/relay.server";
import { createPoller, type Poller } from "~/clinical/poller/poller.server";
import type { ClinicalStandIn } from "~/clinical/stand-in/stand-in.server";
import { startTestStandIn } from "~/clinical/stand-in/test-stand-in";
import { openedMessagesRow } from "~/clinical/writes/messages.server";
import { enqueueOutgoing, type TestOutgoing } from "~/clinical/writes/test-messages";
import { messageText } from "~/clinical/message-text";
import { loadDemoData } from "~/feed/demo/load.server";
import { messageKinds } from "./write-back.server";

/**
 * A citizen's message written back to the clinical system's stand-in by the relay over HTTP (with its faults), and
 * the care team's side (answers, opened, closed) brought back by the poller: the portal and the stand-in hold the
 * same demo, as `npm start` runs them. PGlite, or PostgreSQL with TEST_DATABASE_URL.
 */

const TODAY = new Date();
const ELSA = "10000005";
const GUARDIAN = "10000002";

let standIn: ClinicalStandIn;
let client: ClinicalClient;
let database: TestDatabase;
let db: Database;
let relay: Relay;
let poller: Poller;
let unitId: string;

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from("a tiny picture of a rash")]);
const PDF = Buffer.from("%PDF-1.4\n% a referral letter\n%%EOF\n");

beforeAll(async () => {
  const started = await startTestStandIn({ demo: { today: TODAY, patients: 0 } });
  standIn = started.standIn;
  client = createClinicalClient({ ...started.settings, timeoutMs: 1_000 }, { retry: { retries: 0, maxWaitMs: 0 } });
  database = await createTestDatabase();
  db = database.db;
  await loadDemoData(db, { today: TODAY, patients: 0 });
  relay = createRelay({ db, client, kinds: messageKinds, maxAttempts: 4, concurrency: 4, leaseMs: 5_000, backoff: { baseMs: 1, maxMs: 10 }, settleMs: 20, pollMs: 5 });
  poller = createPoller({ db, client, intervalMs: 60_000, overlapMs: 120_000, leaseMs: 60_000, lookbackMs: 3_600_000, activeHours: 72, types: [], slots: false });
  // The guardian is signed in and acts for Elsa: the poller asks for her messages.
  await db.execute(sql`insert into sessions (id_hash, person_id, acting_for_person_id, expires_at) values ('hash-wb', ${GUARDIAN}, ${ELSA}, now() + interval '1 hour')`);
  const [unit] = rowsOf<{ care_unit_id: string }>(await db.execute(sql`select care_unit_id from messages where person_id = ${ELSA} and care_unit_id is not null order by sent_at desc limit 1`));
  unitId = unit!.care_unit_id;
}, 120_000);

afterAll(async () => {
  await poller?.stop();
  await standIn?.stop();
  await database?.destroy();
});

beforeEach(() => {
  standIn.faults.clear();
});

/** Delivers until nothing is due or under way, as the running relay would. */
async function deliverAll(): Promise<void> {
  for (let i = 0; i < 200; i++) {
    await relay.deliverDue();
    const [open] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from clinical_outbox where state in ('pending', 'delivering')`));
    if (open!.n === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  throw new Error("the outbox did not empty");
}

interface Outgoing {
  state: string;
  failure: { kind: string; reason: string | null } | null;
  clinical_message_id: string | null;
  body: string;
}

async function outgoing(id: string): Promise<Outgoing> {
  const [row] = rowsOf<Outgoing>(await db.execute(sql`select state, failure, clinical_message_id, body from outgoing_messages where id = ${id}`));
  return row!;
}

async function write(m: Partial<TestOutgoing> & { topic: string; body: string }): Promise<string> {
  const { outgoingId } = await enqueueOutgoing(db, { personId: ELSA, actorPersonId: GUARDIAN, careUnitId: unitId, ...m });
  return outgoingId;
}

async function readModel(id: string) {
  const [row] = rowsOf<{ body: string; thread_id: string; parent_id: string | null; sender_name: string | null; sender_reference: string; direction: string; opened_by_unit_at: unknown; can_reply: boolean }>(
    await db.execute(sql`select body, thread_id, parent_id, sender_name, sender_reference, direction, opened_by_unit_at, can_reply from messages where id = ${id}`),
  );
  return row;
}

describe("a citizen's message written back", () => {
  it("is delivered with its attachments, the guardian as the sender, and the row records the clinical id", async () => {
    const body = "Hej!\n\nElsa har fått utslag på armen, se bilden.\nTack.";
    const id = await write({ topic: "Fråga om behandling", body, attachments: [{ fileName: "utslag.png", contentType: "image/png", content: PNG }, { fileName: "remiss.pdf", contentType: "application/pdf", content: PDF }] });
    await deliverAll();
    const row = await outgoing(id);
    expect(row).toMatchObject({ state: "delivered", failure: null });
    const made = standIn.inspect.messages({ patientId: ELSA }).find((m) => m.id === row.clinical_message_id);
    expect(made).toMatchObject({ patientId: ELSA, subject: "Fråga om behandling", sender: { id: GUARDIAN, type: "PERSON" }, recipients: [{ id: unitId, type: "GROUPINBOX" }] });
    expect(messageText(made!.content)).toBe(body);
    expect(made!.attachments?.map((a) => [a.fileName, a.contentType, a.sha256])).toEqual([
      ["utslag.png", "image/png", createHash("sha256").update(PNG).digest("hex")],
      ["remiss.pdf", "application/pdf", createHash("sha256").update(PDF).digest("hex")],
    ]);
  });

  it("fails as refused, with the clinical system's reason, when the recipient is invalid: nothing sent, nothing lost", async () => {
    const before = standIn.inspect.writes().messagesSent;
    const id = await write({ careUnitId: "no-such-unit", topic: "Övrigt", body: "Till fel mottagning" });
    await deliverAll();
    expect(await outgoing(id)).toMatchObject({ state: "failed", failure: { kind: "refused", reason: "no such group inbox" }, clinical_message_id: null, body: "Till fel mottagning" });
    expect(standIn.inspect.writes().messagesSent).toBe(before);
  });

  it("fails as refused when it answers a reminder, or a conversation the unit closed", async () => {
    const reminder = await standIn.careTeam.send(ELSA, { subject: "Dags för vaccination", content: "Välkommen att boka.", fromUnit: unitId, notificationType: "REMINDER" });
    const toReminder = await write({ topic: "Dags för vaccination", body: "Svar på påminnelsen", replyToId: reminder.id });
    const question = await write({ topic: "Fråga", body: "En fråga som stängs" });
    await deliverAll();
    expect(await outgoing(toReminder)).toMatchObject({ state: "failed", failure: { kind: "refused", reason: "a REMINDER cannot be answered" } });
    const asked = (await outgoing(question)).clinical_message_id!;
    const answer = await standIn.careTeam.reply(asked, { content: "Svar. Vi stänger nu." });
    await standIn.careTeam.close(answer.id);
    const toClosed = await write({ topic: "Fråga", body: "Ett svar till", replyToId: answer.id });
    await deliverAll();
    expect(await outgoing(toClosed)).toMatchObject({ state: "failed", failure: { kind: "refused", reason: "the care unit has closed this conversation" } });
  });

  it("is made exactly once when the answer to the POST is lost", async () => {
    standIn.faults.inject({ kind: "lostAnswer" }, { method: "POST", path: "patientMessages/sentItems", times: 1 });
    const id = await write({ topic: "Förlorat svar", body: "Kom det fram?", attachments: [{ fileName: "a.png", contentType: "image/png", content: PNG }] });
    await deliverAll();
    const row = await outgoing(id);
    expect(row.state).toBe("delivered");
    const made = standIn.inspect.messages({ patientId: ELSA }).filter((m) => m.subject === "Förlorat svar");
    expect(made.map((m) => m.id)).toEqual([row.clinical_message_id]);
  });

  it("is delivered later when the clinical system is down for a while (503s, dropped connections)", async () => {
    standIn.faults.inject({ kind: "status", status: 503, retryAfterSeconds: 0 }, { times: 2 });
    standIn.faults.inject({ kind: "drop" }, { method: "POST", times: 1 });
    const id = await write({ topic: "Nere en stund", body: "Hej igen" });
    await deliverAll();
    const row = await outgoing(id);
    expect(row.state).toBe("delivered");
    expect(standIn.inspect.messages({ patientId: ELSA }).filter((m) => m.subject === "Nere en stund")).toHaveLength(1);
  });

  it("fails as undeliverable when the clinical system stays down past the retries", async () => {
    standIn.faults.inject({ kind: "status", status: 503, retryAfterSeconds: 0 }, { times: 50 });
    const id = await write({ topic: "Nere länge", body: "Hallå?" });
    await deliverAll();
    expect(await outgoing(id)).toMatchObject({ state: "failed", failure: { kind: "undeliverable", reason: null }, body: "Hallå?" });
    standIn.faults.clear();
  });
});

describe("the care team's side, brought back by the poller", () => {
  it("brings a named professional's answer into the right conversation, and the unit's opening and closing", async () => {
    const id = await write({ topic: "Fråga om behandling", body: "Hur länge ska salvan användas?" });
    await deliverAll();
    const sentId = (await outgoing(id)).clinical_message_id!;
    await poller.runOnce();
    expect(await readModel(sentId)).toMatchObject({ direction: "patient", opened_by_unit_at: null, can_reply: true, body: "Hur länge ska salvan användas?" });

    const [practitioner] = rowsOf<{ id: string; name: string }>(await db.execute(sql`select id, name from practitioners where name is not null order by id limit 1`));
    await standIn.careTeam.open(sentId);
    const answer = await standIn.careTeam.reply(sentId, { content: "Två veckor.\n\nHälsningar", from: practitioner!.id });
    await poller.runOnce();
    const mine = await readModel(sentId);
    expect(mine?.opened_by_unit_at).not.toBeNull();
    expect(await readModel(answer.id)).toMatchObject({
      direction: "care",
      parent_id: sentId,
      thread_id: mine!.thread_id,
      sender_reference: `Practitioner/${practitioner!.id}`,
      sender_name: practitioner!.name,
      body: "Två veckor.\n\nHälsningar",
      can_reply: true,
    });

    await standIn.careTeam.close(answer.id);
    await poller.runOnce();
    expect((await readModel(answer.id))?.can_reply).toBe(false);
    expect((await readModel(sentId))?.can_reply).toBe(false);
  });

  it("writes back that the patient opened the care team's messages", async () => {
    const unread = standIn.inspect.messages({ patientId: ELSA }).filter((m) => m.sender.type !== "PERSON" && m.status === "UNREAD");
    expect(unread.length).toBeGreaterThan(0);
    const ids = unread.map((m) => m.id);
    await enqueue(db, openedMessagesRow(ELSA, ids));
    await deliverAll();
    const [row] = rowsOf<{ state: string }>(await db.execute(sql`select state from clinical_outbox where kind = 'message.status' order by id desc limit 1`));
    expect(row?.state).toBe("delivered");
    expect(standIn.inspect.messages({ patientId: ELSA }).filter((m) => ids.includes(m.id)).every((m) => m.status === "OPENED")).toBe(true);
  });
});

/** Text a citizen may type: at least one visible character (the form refuses blank text), NUL never (PostgreSQL text). */
const typed = fc
  .array(
    fc.oneof(
      fc.string({ unit: "grapheme", maxLength: 12 }),
      fc.constantFrom("<script>alert(1)</script>", "&amp;", "&lt;b&gt;", "<p>", "</div>", "\r\n", "\n\n\n", "  ", "\t", "\u200b", "\u200f", "\u202e", "שלום", "e\u0301", "👩‍👧", "]]>", '"', "'", "&#13;", "\r"),
    ),
    { minLength: 1, maxLength: 8 },
  )
  .map((parts) => parts.join("").replaceAll("\u0000", ""))
  .filter((text) => text.trim() !== "");

describe("the text round-trips exactly", () => {
  it("through the relay, the stand-in, the poller and the feed: the read model's body is the text as written", async () => {
    const texts = [
      "  leading and trailing spaces and a tab\t",
      "CRLF\r\nline\r\n\r\nends\r\n",
      "<b>not bold</b> &amp; literally typed &lt;",
      "\n\n\nthree blank lines before, two after\n\n",
      "ٱلْعَرَبِيَّة — עברית \u200f mixed \u200d zero width",
      ...fc.sample(typed, { numRuns: 25, seed: 28 }),
    ];
    const ids = [];
    for (const [i, text] of texts.entries()) ids.push(await write({ topic: `Rundresa ${i}`, body: text }));
    await deliverAll();
    await poller.runOnce();
    for (const [i, id] of ids.entries()) {
      const row = await outgoing(id);
      expect(row.state).toBe("delivered");
      expect((await readModel(row.clinical_message_id!))?.body).toBe(texts[i]);
    }
  });
});
