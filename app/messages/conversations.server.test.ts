import { randomUUID } from "node:crypto";
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../../db/connection";
import { careUnits, clinicalOutbox, messageAttachments, messages, outgoingMessages, people, practitioners } from "../../db/schema";
import { createTestDatabase, type TestDatabase } from "../../db/testing";
import type { RecordRules } from "~/disclosure/exclusions.server";
import { CONVERSATIONS_PAGE_SIZE, findConversation, listConversations, markConversationRead, unreadConversationCount } from "./conversations.server";

/**
 * Conversations over rows written straight into the read model and outgoing_messages: what belongs together, in
 * which order, with which author and status, and what opening one writes.
 */

let database: TestDatabase;
let db: Database;
const rules: RecordRules = { excludedUnitIds: ["u-barnahus"], excludedUnitRefs: ["Organization/u-barnahus"], keywords: [], keywordVerdicts: null };

const ANNA = "p-anna";
const JOHAN = "p-johan";
const ELSA = "p-elsa";
const at = (day: number, hour = 9) => new Date(Date.UTC(2026, 10, day, hour));

let seq = 0;
/** A message of the read model; its thread is itself unless `thread` is given. */
async function message(o: {
  person?: string;
  thread?: string;
  direction: "patient" | "care";
  sentAt: Date;
  unit?: string;
  topic?: string | null;
  readAt?: Date | null;
  opened?: Date | null;
  canReply?: boolean;
  sender?: string;
  senderName?: string;
  body?: string;
}): Promise<string> {
  const id = `c-${++seq}`;
  await db.insert(messages).values({
    id,
    versionId: 1,
    raw: { resourceType: "Communication", id },
    personId: o.person ?? ANNA,
    threadId: o.thread ?? id,
    parentId: o.thread ?? null,
    topic: o.topic === undefined ? "Provsvar" : o.topic,
    direction: o.direction,
    careUnitId: o.unit ?? "u-vc",
    senderReference: o.sender ?? (o.direction === "care" ? `Organization/${o.unit ?? "u-vc"}` : `Patient/${o.person ?? ANNA}`),
    senderName: o.senderName ?? null,
    body: o.body ?? `Text ${id}`,
    sentAt: o.sentAt,
    readAt: o.readAt !== undefined ? o.readAt : o.direction === "care" ? at(28) : null,
    openedByUnitAt: o.opened ?? null,
    canReply: o.canReply ?? true,
  });
  return id;
}

/** What the citizen (or `actor`) wrote, as the write side keeps it. */
async function outgoing(o: {
  person?: string;
  actor?: string;
  thread?: string | null;
  state?: "sending" | "delivered" | "failed";
  clinicalId?: string | null;
  createdAt: Date;
  unit?: string;
  resentFrom?: string;
  failure?: { kind: "refused" | "undeliverable"; reason: string | null };
  topic?: string;
}): Promise<string> {
  const id = randomUUID();
  await db.insert(outgoingMessages).values({
    id,
    personId: o.person ?? ANNA,
    actorPersonId: o.actor ?? o.person ?? ANNA,
    careUnitId: o.unit ?? "u-vc",
    threadId: o.thread ?? null,
    topicCode: "question",
    topic: o.topic ?? "Fråga",
    body: `Written ${id}`,
    formToken: id,
    state: o.state ?? "sending",
    failure: o.failure ?? null,
    clinicalMessageId: o.clinicalId ?? null,
    resentFrom: o.resentFrom ?? null,
    createdAt: o.createdAt,
  });
  return id;
}

const ids = (list: { id: string }[]) => list.map((x) => x.id);

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
}, 60_000);

afterAll(async () => {
  await database?.destroy();
});

beforeEach(async () => {
  for (const table of [messages, outgoingMessages, messageAttachments, clinicalOutbox, careUnits, practitioners, people]) await db.delete(table);
  await db.insert(careUnits).values([
    { id: "u-vc", versionId: 1, raw: {}, name: "Vårdcentralen Kungshöjd", providerKind: "region", phone: "010-473 00 00", answerWorkingDays: 3 },
    { id: "u-home", versionId: 1, raw: {}, name: "Hemsjukvården Centrum", providerKind: "municipality" },
    { id: "u-barnahus", versionId: 1, raw: {}, name: "Barnahus", providerKind: "region" },
  ]);
  await db.insert(practitioners).values({ id: "pr-1", versionId: 1, raw: {}, name: "Eva Ek", profession: "Distriktssköterska" });
  await db.insert(people).values([
    { id: ANNA, versionId: 1, raw: {}, givenName: "Anna", familyName: "Lindberg" },
    { id: JOHAN, versionId: 1, raw: {}, givenName: "Johan", familyName: "Lindqvist" },
    { id: ELSA, versionId: 1, raw: {}, givenName: "Elsa", familyName: "Lindqvist" },
  ]);
});

describe("the inbox", () => {
  it("lists threads newest first by their last message, with topic, unit, provider kind and whether unread", async () => {
    const old = await message({ direction: "patient", sentAt: at(1), topic: "Recept" });
    await message({ thread: old, direction: "care", sentAt: at(20), topic: null, readAt: null });
    const recent = await message({ direction: "care", sentAt: at(10), unit: "u-home", topic: "Hembesök" });
    await message({ direction: "care", sentAt: at(5), person: ELSA });
    const { conversations, total, pageCount } = await listConversations(db, { subjectId: ANNA, rules, page: 1 });
    expect(ids(conversations)).toEqual([old, recent]);
    expect(total).toBe(2);
    expect(pageCount).toBe(1);
    expect(conversations[0]).toEqual({
      id: old,
      ref: `Communication/${old}`,
      topic: "Recept",
      unit: { id: "u-vc", name: "Vårdcentralen Kungshöjd", providerKind: "region" },
      lastMessageAt: at(20).toISOString(),
      unread: true,
    });
    expect(conversations[1]).toMatchObject({ unit: { name: "Hemsjukvården Centrum", providerKind: "municipality" }, unread: false });
    expect(await unreadConversationCount(db, { subjectId: ANNA, rules })).toBe(1);
    expect(await unreadConversationCount(db, { subjectId: ELSA, rules })).toBe(0);
  });

  it("pages 20 at a time", async () => {
    for (let i = 1; i <= CONVERSATIONS_PAGE_SIZE + 3; i++) await message({ direction: "care", sentAt: new Date(Date.UTC(2026, 0, 1, 0, i)) });
    const first = await listConversations(db, { subjectId: ANNA, rules, page: 1 });
    const second = await listConversations(db, { subjectId: ANNA, rules, page: 2 });
    const third = await listConversations(db, { subjectId: ANNA, rules, page: 3 });
    expect(first.conversations).toHaveLength(20);
    expect(second.conversations).toHaveLength(3);
    expect([first.total, first.pageCount, second.total, second.pageCount, third.total, third.pageCount]).toEqual([23, 2, 23, 2, 23, 2]);
    expect(third.conversations).toEqual([]);
    expect(first.conversations[0]!.lastMessageAt! > second.conversations[0]!.lastMessageAt!).toBe(true);
  });

  it("merges what the citizen wrote: a reply into its thread, a new message as a conversation of its own", async () => {
    const thread = await message({ direction: "care", sentAt: at(1) });
    await outgoing({ thread, createdAt: at(15) });
    const fresh = await outgoing({ createdAt: at(10), topic: "Ny fråga", unit: "u-home" });
    const { conversations } = await listConversations(db, { subjectId: ANNA, rules, page: 1 });
    expect(ids(conversations)).toEqual([thread, fresh]);
    expect(conversations[0]!.lastMessageAt).toBe(at(15).toISOString());
    expect(conversations[1]).toMatchObject({ ref: `OutgoingMessage/${fresh}`, topic: "Ny fråga", unit: { name: "Hemsjukvården Centrum" }, unread: false });
  });

  it("replaces a new message by the clinical system's copy once it has arrived: the conversation's id is then the clinical one", async () => {
    const fresh = await outgoing({ createdAt: at(10), state: "delivered", clinicalId: "c-clinical" });
    expect(ids((await listConversations(db, { subjectId: ANNA, rules, page: 1 })).conversations)).toEqual([fresh]);
    await db.insert(messages).values({
      id: "c-clinical", versionId: 1, raw: {}, personId: ANNA, threadId: "c-clinical", direction: "patient", careUnitId: "u-vc", topic: "Fråga", body: "x", sentAt: at(10),
    });
    const { conversations, total } = await listConversations(db, { subjectId: ANNA, rules, page: 1 });
    expect(ids(conversations)).toEqual(["c-clinical"]);
    expect(total).toBe(1);
    const found = await findConversation(db, { subjectId: ANNA, rules, id: fresh });
    expect(found?.id).toBe("c-clinical");
    expect(found?.messages.map((m) => m.ref)).toEqual(["Communication/c-clinical"]);
  });

  it("leaves out units never shown online", async () => {
    const hidden = await message({ direction: "care", sentAt: at(20), unit: "u-barnahus", readAt: null });
    await outgoing({ createdAt: at(21), unit: "u-barnahus" });
    const shown = await message({ direction: "care", sentAt: at(1) });
    expect(ids((await listConversations(db, { subjectId: ANNA, rules, page: 1 })).conversations)).toEqual([shown]);
    expect(await unreadConversationCount(db, { subjectId: ANNA, rules })).toBe(0);
    expect(await findConversation(db, { subjectId: ANNA, rules, id: hidden })).toBeNull();
  });
});

describe("a conversation", () => {
  it("is null for another person's conversation, and for none", async () => {
    const elsas = await message({ direction: "care", sentAt: at(1), person: ELSA });
    const elsasNew = await outgoing({ person: ELSA, actor: JOHAN, createdAt: at(2) });
    expect(await findConversation(db, { subjectId: ANNA, rules, id: elsas })).toBeNull();
    expect(await findConversation(db, { subjectId: ANNA, rules, id: elsasNew })).toBeNull();
    expect(await findConversation(db, { subjectId: ANNA, rules, id: "no-such" })).toBeNull();
    expect(await findConversation(db, { subjectId: ELSA, rules, id: elsas })).not.toBeNull();
  });

  it("shows every message in order with its author and, for the citizen's own, its status", async () => {
    const root = await message({ direction: "patient", sentAt: at(1), opened: at(2) });
    await message({ thread: root, direction: "care", sentAt: at(3), sender: "Practitioner/pr-1" });
    const read = await message({ thread: root, direction: "patient", sentAt: at(4), opened: at(5) });
    const delivered = await message({ thread: root, direction: "patient", sentAt: at(6) });
    await outgoing({ thread: root, state: "delivered", clinicalId: "c-not-yet", createdAt: at(7) });
    await outgoing({ thread: root, state: "failed", failure: { kind: "refused", reason: "Mottagaren tar inte emot meddelanden" }, createdAt: at(8) });
    await outgoing({ thread: root, state: "sending", createdAt: at(9) });
    const c = await findConversation(db, { subjectId: ANNA, rules, id: root });
    expect(c?.messages.map((m) => [m.direction, m.status])).toEqual([
      ["patient", "answered"],
      ["care", null],
      ["patient", "read"],
      ["patient", "delivered"],
      ["patient", "delivered"],
      ["patient", "failed"],
      ["patient", "sending"],
    ]);
    expect(c?.messages.map((m) => m.id).slice(0, 4)).toEqual([root, expect.any(String), read, delivered]);
    expect(c?.messages[1]?.author).toEqual({ kind: "professional", name: "Eva Ek", role: "Distriktssköterska" });
    expect(c?.messages[0]?.author).toEqual({ kind: "self" });
    expect(c?.messages[5]?.failure).toEqual({ kind: "refused", reason: "Mottagaren tar inte emot meddelanden" });
    expect(c?.messages[4]?.failure).toBeNull();
    expect(c?.unit).toEqual({ id: "u-vc", name: "Vårdcentralen Kungshöjd", providerKind: "region", phone: "010-473 00 00", answerWorkingDays: 3 });
    expect(c?.topic).toBe("Provsvar");
    expect(c?.canReply).toBe(true);
  });

  it("names a guardian who wrote on the child's behalf, in the read model and in what is being sent, and the unit when nobody signed", async () => {
    const root = await message({ person: ELSA, direction: "patient", sentAt: at(1), sender: "RelatedPerson/rp-1", senderName: "Karin Lindqvist" });
    await message({ person: ELSA, thread: root, direction: "care", sentAt: at(2) });
    await outgoing({ person: ELSA, actor: JOHAN, thread: root, createdAt: at(3) });
    const c = await findConversation(db, { subjectId: ELSA, rules, id: root });
    expect(c?.messages.map((m) => m.author)).toEqual([
      { kind: "guardian", name: "Karin Lindqvist" },
      { kind: "unit", name: "Vårdcentralen Kungshöjd" },
      { kind: "guardian", name: "Johan Lindqvist" },
    ]);
  });

  it("shows the clinical copy with the outgoing row's author and attachments", async () => {
    const sent = await outgoing({ person: ELSA, actor: JOHAN, state: "delivered", clinicalId: "c-copy", createdAt: at(1) });
    await db.insert(messageAttachments).values({
      outgoingMessageId: sent, personId: ELSA, fileName: "utslag.jpg", contentType: "image/jpeg", size: 1234, sha256: "0".repeat(64), content: Buffer.from([1]),
    });
    await db.insert(messages).values({ id: "c-copy", versionId: 1, raw: {}, personId: ELSA, threadId: "c-copy", direction: "patient", careUnitId: "u-vc", body: "x", sentAt: at(1) });
    const c = await findConversation(db, { subjectId: ELSA, rules, id: "c-copy" });
    expect(c?.messages).toHaveLength(1);
    expect(c?.messages[0]).toMatchObject({ ref: "Communication/c-copy", author: { kind: "guardian", name: "Johan Lindqvist" }, status: "delivered" });
    expect(c?.messages[0]?.attachments).toEqual([{ id: expect.any(String), fileName: "utslag.jpg", contentType: "image/jpeg", size: 1234 }]);
  });

  it("cannot be answered when the care team's last message says so", async () => {
    const root = await message({ direction: "care", sentAt: at(1) });
    await message({ thread: root, direction: "care", sentAt: at(2), canReply: false });
    expect((await findConversation(db, { subjectId: ANNA, rules, id: root }))?.canReply).toBe(false);
  });

  it("shows a failed new message sent again as one conversation, under the first address", async () => {
    const failed = await outgoing({ createdAt: at(1), state: "failed", failure: { kind: "undeliverable", reason: null } });
    const again = await outgoing({ createdAt: at(2), resentFrom: failed });
    const { conversations } = await listConversations(db, { subjectId: ANNA, rules, page: 1 });
    expect(ids(conversations)).toEqual([failed]);
    const c = await findConversation(db, { subjectId: ANNA, rules, id: failed });
    expect(c?.messages.map((m) => [m.id, m.status])).toEqual([[again, "sending"]]);
  });
});

describe("opening a conversation", () => {
  it("marks its unread care messages read and enqueues one OPENED row; nothing when nothing is unread", async () => {
    const root = await message({ direction: "care", sentAt: at(1), readAt: null });
    const second = await message({ thread: root, direction: "care", sentAt: at(2), readAt: null });
    const other = await message({ direction: "care", sentAt: at(3), readAt: null });
    const c = await findConversation(db, { subjectId: ANNA, rules, id: root });
    expect(await markConversationRead(db, { subjectId: ANNA, conversation: c! })).toEqual([root, second].sort());
    const rows = await db.select().from(messages).where(inArray(messages.id, [root, second, other]));
    expect(rows.filter((r) => r.readAt !== null).map((r) => r.id).sort()).toEqual([root, second].sort());
    const outbox = await db.select().from(clinicalOutbox);
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ kind: "message.status", subjectPersonId: ANNA, payload: { patientId: ANNA, messageIds: [root, second].sort(), status: "OPENED" } });
    // Opened again: nothing more.
    const again = await findConversation(db, { subjectId: ANNA, rules, id: root });
    expect(again?.unreadIds).toEqual([]);
    expect(await markConversationRead(db, { subjectId: ANNA, conversation: again! })).toEqual([]);
    expect(await db.select().from(clinicalOutbox)).toHaveLength(1);
    expect(await unreadConversationCount(db, { subjectId: ANNA, rules })).toBe(1);
  });

  it("never marks another person's messages, whatever ids it is given", async () => {
    const elsas = await message({ person: ELSA, direction: "care", sentAt: at(1), readAt: null });
    expect(await markConversationRead(db, { subjectId: ANNA, conversation: { unreadIds: [elsas] } })).toEqual([]);
    expect((await db.select().from(messages).where(eq(messages.id, elsas)))[0]?.readAt).toBeNull();
    expect(await db.select().from(clinicalOutbox)).toHaveLength(0);
  });
});
