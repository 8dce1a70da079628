import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { rowsOf, type Database } from "../../db/connection";
import { createTestDatabase, type TestDatabase } from "../../db/testing";
import { createGuardianship, createPerson } from "~/identity/test-factories";
import { httpSmsGateway, smtpMailer, type Senders } from "./delivery.server";
import { notificationPass, NOTIFY_AT_MOST_EVERY_MS } from "./pass.server";
import { notificationRelay } from "./startup.server";
import { insertCareMessage, setContactSettings, startTestSmsGateway, startTestSmtp, type TestSmsGateway, type TestSmtp } from "./test-notifications";

/**
 * Notifications end to end below the pages: care messages inserted as the feed writes them, the pass deciding who is
 * told, the clinical relay over the notification outbox delivering to a real SMTP server and a real HTTP SMS gateway.
 */

const ORIGIN = "https://minvard.example.se";
const CHANNELS = ["email", "sms"] as const;
const HOUR = 60 * 60_000;

let database: TestDatabase;
let db: Database;
let smtp: TestSmtp;
let gateway: TestSmsGateway;
let senders: Senders;

const yearsAgo = (years: number, days = 0) => {
  const d = new Date(Date.now() - days * 86_400_000);
  d.setUTCFullYear(d.getUTCFullYear() - years);
  return d.toISOString().slice(0, 10);
};

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  smtp = await startTestSmtp();
  gateway = await startTestSmsGateway();
  senders = {
    mail: smtpMailer({ url: smtp.url, from: "Min vård <no-reply@minvard.example.se>", timeoutMs: 2000 }),
    sms: httpSmsGateway({ url: gateway.url, token: gateway.token, timeoutMs: 2000 }),
    origin: ORIGIN,
    sink: new Set(),
  };
}, 120_000);

afterAll(async () => {
  await smtp?.close();
  await gateway?.close();
  await database?.destroy();
});

beforeEach(async () => {
  await db.execute(sql`truncate notification_outbox, notified_messages, notification_windows, notification_pass, contact_settings, messages restart identity`);
  smtp.received.length = 0;
  smtp.refuseWith = null;
  gateway.received.length = 0;
  gateway.status = 200;
});

const FAST = { backoff: { baseMs: 5, maxMs: 20 }, pollMs: 5 };
const relay = (maxAttempts = 5) => notificationRelay(db, { NOTIFICATION_MAX_ATTEMPTS: maxAttempts }, senders, FAST);
const pass = (now = new Date()) => notificationPass(db, { now, channels: CHANNELS });

async function outbox() {
  return rowsOf<{ id: string; kind: string; state: string; attempts: number; payload: { to: string } }>(
    await db.execute(sql`select id, kind, state, attempts, payload from notification_outbox order by id`),
  );
}

/** Delivers what is due until nothing is left to do (backoffs are milliseconds here). */
async function deliverAll(r = relay()): Promise<void> {
  for (let i = 0; i < 200; i++) {
    await r.deliverDue();
    const open = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from notification_outbox where state in ('pending', 'delivering')`));
    if (open[0]?.n === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error("notifications still open");
}

/** The e-mail as text: quoted-printable undone (nodemailer's choice for a text with å, ä, ö). */
function quotedPrintable(raw: string): string {
  const bytes = raw.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, "latin1").toString("utf8");
}

describe("a care team's message arriving", () => {
  it("is told once per chosen channel, by e-mail through SMTP and by SMS through the gateway, without any content", async () => {
    const anna = await createPerson(db, { birthDate: yearsAgo(40) });
    await setContactSettings(db, anna.id, { email: "anna@example.se", mobile: "+46701234567", language: "sv" });
    await insertCareMessage(db, { personId: anna.id, body: "Ditt provsvar visar psoriasis.", topic: "Provsvar hudutslag", unit: "unit-hudkliniken" });

    expect(await pass()).toMatchObject({ messages: 1, enqueued: 2 });
    expect(await pass()).toMatchObject({ enqueued: 0 });
    await deliverAll();

    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.to).toEqual(["anna@example.se"]);
    const [row] = await outbox();
    expect(mail.raw).toMatch(new RegExp(`^Message-ID: <notification-${row!.id}@minvard\\.example\\.se>`, "im"));
    expect(mail.raw).toMatch(/^To: anna@example\.se/im);
    const decoded = quotedPrintable(mail.raw);
    expect(decoded).toMatch(/^Content-Type: text\/plain; charset=utf-8/im);
    expect(decoded).toContain("Du har fått ett nytt meddelande i Min vård. Logga in på https://minvard.example.se för att läsa det.");
    for (const secret of ["psoriasis", "Provsvar", "hudkliniken", "Hemlig", "Testsson"]) expect(decoded).not.toContain(secret);

    expect(gateway.received).toEqual([
      { to: "+46701234567", text: "Du har fått ett nytt meddelande i Min vård. Logga in på https://minvard.example.se för att läsa det.", authorization: `Bearer ${gateway.token}` },
    ]);
    expect((await outbox()).map((r) => r.state)).toEqual(["delivered", "delivered"]);
  });

  it("says it in the language of the settings", async () => {
    const bo = await createPerson(db, { birthDate: yearsAgo(30) });
    await setContactSettings(db, bo.id, { mobile: "+46701111111", language: "en" });
    await insertCareMessage(db, { personId: bo.id });
    await pass();
    await deliverAll();
    expect(gateway.received.map((s) => s.text)).toEqual(["You have a new message in Min vård. Log in at https://minvard.example.se to read it."]);
  });

  it("tells once per conversation within the hour: two more in it, none; another conversation, one; after the hour, one", async () => {
    const anna = await createPerson(db, { birthDate: yearsAgo(40) });
    await setContactSettings(db, anna.id, { email: "anna@example.se" });
    const first = await insertCareMessage(db, { personId: anna.id });
    const t0 = new Date();
    expect(await pass(t0)).toMatchObject({ enqueued: 1 });

    await insertCareMessage(db, { personId: anna.id, threadId: first.threadId });
    await insertCareMessage(db, { personId: anna.id, threadId: first.threadId });
    expect(await pass(new Date(t0.getTime() + 1000))).toMatchObject({ enqueued: 0, quiet: 2 });

    await insertCareMessage(db, { personId: anna.id });
    expect(await pass(new Date(t0.getTime() + 2000))).toMatchObject({ enqueued: 1 });

    await insertCareMessage(db, { personId: anna.id, threadId: first.threadId });
    expect(await pass(new Date(t0.getTime() + NOTIFY_AT_MOST_EVERY_MS + 60_000))).toMatchObject({ enqueued: 1 });
    expect(await outbox()).toHaveLength(3);
  });

  it("is not told for a message read, deleted, the patient's own, or arrived long after it was sent (the demo history)", async () => {
    const anna = await createPerson(db, { birthDate: yearsAgo(40) });
    await setContactSettings(db, anna.id, { email: "anna@example.se" });
    const read = await insertCareMessage(db, { personId: anna.id });
    await db.execute(sql`update messages set read_at = now() where id = ${read.id}`);
    const deleted = await insertCareMessage(db, { personId: anna.id });
    await db.execute(sql`update messages set deleted_at = now() where id = ${deleted.id}`);
    const own = await insertCareMessage(db, { personId: anna.id });
    await db.execute(sql`update messages set direction = 'patient' where id = ${own.id}`);
    await insertCareMessage(db, { personId: anna.id, sentAt: new Date(Date.now() - 40 * 86_400_000) });
    expect(await pass()).toMatchObject({ enqueued: 0 });
    expect(await outbox()).toHaveLength(0);
  });

  it("does not look again at what arrived before the last pass looked (beyond a short overlap)", async () => {
    const anna = await createPerson(db, { birthDate: yearsAgo(40) });
    await insertCareMessage(db, { personId: anna.id, receivedAt: new Date(Date.now() - 2 * HOUR) });
    await pass();
    // Settings saved after the message was looked at: the old message is not told about.
    await setContactSettings(db, anna.id, { email: "anna@example.se" });
    await insertCareMessage(db, { personId: anna.id });
    expect(await pass()).toMatchObject({ messages: 1, enqueued: 1 });
  });

  it("is not told of a message that arrived before the settings were saved (whoever saves them is logged in)", async () => {
    const anna = await createPerson(db, { birthDate: yearsAgo(40) });
    await insertCareMessage(db, { personId: anna.id });
    await setContactSettings(db, anna.id, { email: "anna@example.se" });
    expect(await pass()).toMatchObject({ messages: 1, enqueued: 0 });
    // The next one is told of (the pass sees the first again within its overlap, and still not for her).
    await insertCareMessage(db, { personId: anna.id });
    expect(await pass()).toMatchObject({ enqueued: 1 });
    expect(await outbox()).toHaveLength(1);
  });

  it("counts a message received within the pass's own millisecond (the database keeps microseconds)", async () => {
    const anna = await createPerson(db, { birthDate: yearsAgo(40) });
    await setContactSettings(db, anna.id, { email: "anna@example.se" });
    const message = await insertCareMessage(db, { personId: anna.id });
    const now = new Date();
    await db.execute(sql`update messages set received_at = ${now.toISOString()}::timestamptz + interval '900 microseconds' where id = ${message.id}`);
    expect(await pass(now)).toMatchObject({ messages: 1, enqueued: 1 });
  });

  it("tells a guardian of a child under 13 with settings, not a guardian of a 13-year-old", async () => {
    const parent = await createPerson(db, { birthDate: yearsAgo(40) });
    const small = await createPerson(db, { birthDate: yearsAgo(8) });
    const teen = await createPerson(db, { birthDate: yearsAgo(13, 10) });
    await createGuardianship(db, { childPersonId: small.id, guardianPersonId: parent.id });
    await createGuardianship(db, { childPersonId: teen.id, guardianPersonId: parent.id });
    await setContactSettings(db, parent.id, { email: "parent@example.se" });
    await setContactSettings(db, teen.id, { mobile: "+46709999999" });

    await insertCareMessage(db, { personId: small.id });
    await insertCareMessage(db, { personId: teen.id });
    await pass();
    await deliverAll();
    expect(smtp.received.map((m) => m.to)).toEqual([["parent@example.se"]]);
    expect(gateway.received.map((s) => s.to)).toEqual(["+46709999999"]);
  });

  it("tells once when two passes run at once", async () => {
    const anna = await createPerson(db, { birthDate: yearsAgo(40) });
    await setContactSettings(db, anna.id, { email: "anna@example.se", mobile: "+46701234567" });
    for (let i = 0; i < 5; i++) await insertCareMessage(db, { personId: anna.id });
    const now = new Date();
    const [a, b] = await Promise.all([pass(now), pass(now)]);
    expect(a.enqueued + b.enqueued).toBe(2 * 5);
    const [c, d] = await Promise.all([pass(now), pass(now)]);
    expect(c.enqueued + d.enqueued).toBe(0);
    await Promise.all([deliverAll(relay()), deliverAll(relay())]);
    expect(smtp.received).toHaveLength(5);
    expect(gateway.received).toHaveLength(5);
  });
});

describe("delivery", () => {
  it("retries while the SMTP server is down, and delivers once it is back", async () => {
    const anna = await createPerson(db, { birthDate: yearsAgo(40) });
    await setContactSettings(db, anna.id, { email: "anna@example.se" });
    await insertCareMessage(db, { personId: anna.id });
    await pass();
    await smtp.stop();
    const r = relay(20);
    await r.deliverDue();
    await new Promise((resolve) => setTimeout(resolve, 30));
    await r.deliverDue();
    const [down] = await outbox();
    expect(down).toMatchObject({ state: "pending" });
    expect(down!.attempts).toBeGreaterThanOrEqual(1);
    await smtp.start();
    await deliverAll(r);
    expect((await outbox())[0]).toMatchObject({ state: "delivered" });
    expect(smtp.received).toHaveLength(1);
  });

  it("fails a notification the SMTP server or the gateway refuses, without retrying", async () => {
    const anna = await createPerson(db, { birthDate: yearsAgo(40) });
    await setContactSettings(db, anna.id, { email: "nobody@example.se", mobile: "+46701234567" });
    await insertCareMessage(db, { personId: anna.id });
    await pass();
    smtp.refuseWith = 550;
    gateway.status = 400;
    await deliverAll();
    const rows = await outbox();
    expect(rows.map((r) => [r.state, r.attempts])).toEqual([
      ["failed", 1],
      ["failed", 1],
    ]);
  });

  it("retries the gateway's 5xx, and fails after the last attempt", async () => {
    const anna = await createPerson(db, { birthDate: yearsAgo(40) });
    await setContactSettings(db, anna.id, { mobile: "+46701234567" });
    await insertCareMessage(db, { personId: anna.id });
    await pass();
    gateway.status = 503;
    await deliverAll(relay(3));
    expect((await outbox()).map((r) => [r.state, r.attempts])).toEqual([["failed", 3]]);
    expect(gateway.received).toHaveLength(0);
  });
});
