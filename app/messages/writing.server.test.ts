import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "../../db/connection";
import { careUnits, messageAttachments, messages, outgoingMessages, people } from "../../db/schema";
import { createTestDatabase, type TestDatabase } from "../../db/testing";
import { DEFAULT_EXCLUDED_UNITS } from "~/disclosure/exclusions.server";
import { createPerson } from "~/identity/test-factories";
import { createAppointment, createCareUnit, createEntry, createMessage } from "~/record/test-factories";
import { ATTACHMENT_MAX_BYTES, MESSAGE_MAX_CHARACTERS } from "./limits";
import { messageUnits, replyToConversation, sendAgain, writeMessage, type Writer } from "./writing.server";
import { PNG, PDF } from "./test-files";

/**
 * Writing on a read model of factories: who may be written to (24 months of care, open units, never an excluded
 * one), the text kept exactly, every refusal, one message per form token, and the outbox row in the same transaction.
 */

const NOW = new Date("2027-03-15T09:00:00Z");
const MONTH = 30 * 86_400_000;
let db: TestDatabase;
let anna: Writer;
let bo: Writer;
const units = {} as Record<"listed" | "recentEntry" | "oldEntry" | "appointment" | "message" | "open" | "excluded" | "stranger", string>;
let token = 0;
const nextToken = () => `form-token-${String(++token).padStart(8, "0")}`;

const rowsFor = async (personId: string) => db.db.select().from(outgoingMessages).where(eq(outgoingMessages.personId, personId)).orderBy(outgoingMessages.createdAt);
const outboxFor = async (outgoingId: string) =>
  rowsOf<{ id: number | string; kind: string; payload: { outgoingId: string } }>(
    await db.db.execute(sql`select o.id, o.kind, o.payload from clinical_outbox o join outgoing_messages m on m.outbox_id = o.id where m.id = ${outgoingId}::uuid`),
  );

beforeAll(async () => {
  db = await createTestDatabase();
  const d = db.db;
  const a = await createPerson(d, { givenName: "Anna", birthDate: "1980-01-01" });
  const b = await createPerson(d, { givenName: "Bo", birthDate: "1970-01-01" });
  anna = { subjectPersonId: a.id, actorPersonId: a.id };
  bo = { subjectPersonId: b.id, actorPersonId: b.id };
  units.listed = await createCareUnit(d, { name: "Vårdcentralen Centrum", providerKind: "region" });
  units.recentEntry = await createCareUnit(d, { name: "Hudmottagningen", providerKind: "region" });
  units.oldEntry = await createCareUnit(d, { name: "Ögonkliniken", providerKind: "region" });
  units.appointment = await createCareUnit(d, { name: "Fysioterapin", providerKind: "private" });
  units.message = await createCareUnit(d, { name: "Hemsjukvården", providerKind: "municipality" });
  units.open = await createCareUnit(d, { name: "Ungdomsmottagningen", providerKind: "region" });
  units.excluded = await createCareUnit(d, { id: DEFAULT_EXCLUDED_UNITS[0], name: "Barnahus", providerKind: "region" });
  units.stranger = await createCareUnit(d, { name: "Långt bort", providerKind: "region" });
  await d.update(people).set({ managingCareUnitId: units.listed }).where(eq(people.id, a.id));
  await d.update(careUnits).set({ openMessaging: true, answerWorkingDays: 2, messageTopics: [{ code: "sti", display: "Provtagning" }] }).where(eq(careUnits.id, units.open));
  await d.update(careUnits).set({ answerWorkingDays: 3 }).where(eq(careUnits.id, units.listed));
  await d.update(careUnits).set({ openMessaging: true }).where(eq(careUnits.id, units.excluded));
  await createEntry(d, { personId: a.id, section: "notes", occurredAt: new Date(NOW.getTime() - 3 * MONTH), careUnitId: units.recentEntry });
  await createEntry(d, { personId: a.id, section: "notes", occurredAt: new Date(NOW.getTime() - 25 * MONTH), careUnitId: units.oldEntry });
  await createEntry(d, { personId: a.id, section: "notes", occurredAt: new Date(NOW.getTime() - MONTH), careUnitId: units.excluded });
  await createAppointment(d, { personId: a.id, startsAt: new Date(NOW.getTime() - 6 * MONTH), careUnitId: units.appointment, typeName: "Besök" });
  await createMessage(d, { personId: a.id, sentAt: new Date(NOW.getTime() - 20 * MONTH), topic: "Hej", careUnitId: units.message });
});

afterAll(async () => {
  await db?.destroy();
});

const write = (writer: Writer, over: Partial<Parameters<typeof writeMessage>[2]> = {}) =>
  writeMessage(db.db, writer, { unitId: units.listed, topicCode: "question", body: "Hej!", attachments: [], formToken: nextToken(), now: NOW, ...over });

describe("the units the subject may write to", () => {
  it("are those of care within 24 months and those open to all, never an excluded unit", async () => {
    const list = await messageUnits(db.db, { subjectId: anna.subjectPersonId, now: NOW });
    expect(list.map((u) => u.id).sort()).toEqual([units.listed, units.recentEntry, units.appointment, units.message, units.open].sort());
    expect(list.map((u) => u.name)).toEqual([...list.map((u) => u.name)].sort((x, y) => x.localeCompare(y, "sv")));
  });

  it("for another person, only the open units", async () => {
    expect((await messageUnits(db.db, { subjectId: bo.subjectPersonId, now: NOW })).map((u) => u.id)).toEqual([units.open]);
  });

  it("a relationship ends 24 months after its last sign", async () => {
    const later = new Date(NOW.getTime() + 5 * MONTH);
    const ids = (await messageUnits(db.db, { subjectId: anna.subjectPersonId, now: later })).map((u) => u.id);
    expect(ids).not.toContain(units.message);
    expect(ids).toContain(units.listed);
  });

  it("have the unit's own topics, else the region's, and the stated answer time", async () => {
    const list = await messageUnits(db.db, { subjectId: anna.subjectPersonId, now: NOW });
    const open = list.find((u) => u.id === units.open)!;
    expect(open.topics).toEqual([{ code: "sti", display: "Provtagning", region: false }]);
    expect(open.answerWorkingDays).toBe(2);
    const listed = list.find((u) => u.id === units.listed)!;
    expect(listed.topics.map((t) => t.code)).toEqual(["question", "prescription", "other"]);
    expect(listed.topics[0]).toMatchObject({ display: "Fråga om behandling", region: true });
    expect(listed).toMatchObject({ providerKind: "region", answerWorkingDays: 3 });
  });
});

describe("a new message", () => {
  const texts = [
    "<b>fet</b> & <i>kursiv</i>",
    "<script>alert('x')</script>",
    "مرحبا بالعالم — שלום",
    "e\u0301 a\u0308 n\u0303",
    "noll\u200bbredd\u200d\u2060tecken\ufeff",
    "👩‍👩‍👧 🇸🇪 😀",
    "rad ett\r\nrad två\r\n\r\nrad fyra",
    "   inledande och avslutande mellanslag \t\n ",
  ];

  it.each(texts)("keeps %j exactly as written", async (body) => {
    const outcome = await write(anna, { body });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    const [row] = await db.db.select({ body: outgoingMessages.body }).from(outgoingMessages).where(eq(outgoingMessages.id, outcome.conversationId));
    expect(row?.body).toBe(body);
  });

  it("writes the row, its attachments and one outbox row, and the conversation is the row", async () => {
    const outcome = await write(anna, { attachments: [{ fileName: "utslag.png", bytes: PNG }, { fileName: "remiss.pdf", bytes: PDF }] });
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
    const [row] = await db.db.select().from(outgoingMessages).where(eq(outgoingMessages.id, outcome.conversationId));
    expect(row).toMatchObject({ careUnitId: units.listed, topicCode: "question", topic: "Fråga om behandling", state: "sending", threadId: null, actorPersonId: anna.actorPersonId });
    const outbox = await outboxFor(outcome.conversationId);
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ kind: "message.send", payload: { outgoingId: outcome.conversationId } });
    expect(Number(outbox[0]!.id)).toBe(row!.outboxId);
    const files = await db.db.select().from(messageAttachments).where(eq(messageAttachments.outgoingMessageId, outcome.conversationId));
    expect(files.map((f) => [f.fileName, f.contentType, f.size, f.personId]).sort()).toEqual(
      [["remiss.pdf", "application/pdf", PDF.length, anna.subjectPersonId], ["utslag.png", "image/png", PNG.length, anna.subjectPersonId]].sort(),
    );
  });

  it("a double submit of one form makes one message and one outbox row", async () => {
    const formToken = nextToken();
    const before = (await rowsFor(anna.subjectPersonId)).length;
    const [first, second] = await Promise.all([write(anna, { formToken, body: "en gång" }), write(anna, { formToken, body: "en gång" })]);
    const third = await write(anna, { formToken, body: "en gång" });
    expect(first).toEqual(second);
    expect(third).toEqual(first);
    expect((await rowsFor(anna.subjectPersonId)).length).toBe(before + 1);
    if (first.ok) expect(await outboxFor(first.conversationId)).toHaveLength(1);
  });

  it("refuses empty text, and says by how much a text is too long", async () => {
    expect(await write(anna, { body: " \r\n\t " })).toEqual({ ok: false, errors: { body: { key: "messages:errors.body_empty" } } });
    expect(await write(anna, { body: "" })).toMatchObject({ ok: false, errors: { body: { key: "messages:errors.body_empty" } } });
    expect(await write(anna, { body: "å".repeat(MESSAGE_MAX_CHARACTERS + 7) })).toEqual({
      ok: false,
      errors: { body: { key: "messages:errors.body_too_long", values: { max: MESSAGE_MAX_CHARACTERS, count: 7 } } },
    });
    // At the limit: an emoji is one character, a line break sent as CRLF one.
    expect((await write(anna, { body: "😀".repeat(MESSAGE_MAX_CHARACTERS - 2) + "\r\n" + "x" })).ok).toBe(true);
  });

  it("refuses a unit the subject may not write to, and a topic not of the unit", async () => {
    for (const unitId of [units.stranger, units.excluded, units.oldEntry, "no-such-unit"]) {
      expect(await write(anna, { unitId })).toEqual({ ok: false, errors: { unit: { key: "messages:errors.unit_not_allowed" } } });
    }
    expect(await write(bo)).toMatchObject({ ok: false, errors: { unit: { key: "messages:errors.unit_not_allowed" } } });
    expect(await write(anna, { topicCode: "sti" })).toEqual({ ok: false, errors: { topic: { key: "messages:errors.topic_not_of_unit" } } });
    expect(await write(anna, { unitId: units.open, topicCode: "question" })).toMatchObject({ ok: false, errors: { topic: { key: "messages:errors.topic_not_of_unit" } } });
    expect((await write(bo, { unitId: units.open, topicCode: "sti" })).ok).toBe(true);
  });

  it("refuses six files, a file of 10 MB and one byte, and a file whose content is not an allowed type; writes nothing", async () => {
    const before = (await rowsFor(anna.subjectPersonId)).length;
    const six = Array.from({ length: 6 }, (_, i) => ({ fileName: `${i}.png`, bytes: PNG }));
    expect(await write(anna, { attachments: six })).toMatchObject({ ok: false, errors: { attachments: { key: "messages:errors.too_many_attachments", values: { max: 5 } } } });
    const big = new Uint8Array(ATTACHMENT_MAX_BYTES + 1);
    big.set(PNG);
    expect(await write(anna, { attachments: [{ fileName: "stor.png", bytes: big }] })).toMatchObject({ ok: false, errors: { attachments: { key: "messages:errors.attachment_too_large", values: { names: "stor.png" } } } });
    const exe = new Uint8Array([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00]);
    expect(await write(anna, { attachments: [{ fileName: "bild.png", bytes: exe }] })).toMatchObject({ ok: false, errors: { attachments: { key: "messages:errors.attachment_type", values: { names: "bild.png" } } } });
    expect((await rowsFor(anna.subjectPersonId)).length).toBe(before);
  });
});

describe("a reply", () => {
  let thread: string;
  let careId: string;
  beforeAll(async () => {
    const d = db.db;
    const root = (await createMessage(d, { personId: anna.subjectPersonId, sentAt: new Date(NOW.getTime() - 2 * 86_400_000), topic: "Utslag", direction: "patient", careUnitId: units.recentEntry })).split("/")[1]!;
    careId = (await createMessage(d, { personId: anna.subjectPersonId, sentAt: new Date(NOW.getTime() - 86_400_000), topic: "Utslag", direction: "care", careUnitId: units.recentEntry })).split("/")[1]!;
    await d.update(messages).set({ threadId: root, parentId: root }).where(eq(messages.id, careId));
    thread = root;
  });

  const reply = (writer: Writer, conversationId: string, over: Partial<Parameters<typeof replyToConversation>[2]> = {}) =>
    replyToConversation(db.db, writer, { conversationId, body: "Tack!", attachments: [], formToken: nextToken(), now: NOW, ...over });

  it("answers the care team's newest message, in the conversation, with an outbox row", async () => {
    const outcome = await reply(anna, thread, { body: "  Tack för svaret  " });
    expect(outcome).toEqual({ ok: true, conversationId: thread });
    const [row] = await db.db.select().from(outgoingMessages).where(eq(outgoingMessages.body, "  Tack för svaret  "));
    expect(row).toMatchObject({ threadId: thread, replyToId: careId, careUnitId: units.recentEntry, topic: "Utslag", topicCode: "reply" });
    expect(await outboxFor(row!.id)).toHaveLength(1);
  });

  it("another person's conversation, or one that does not exist, is not found", async () => {
    expect(await reply(bo, thread)).toMatchObject({ ok: false, notFound: true });
    expect(await reply(anna, "no-such-thread")).toMatchObject({ ok: false, notFound: true });
    expect(await reply(anna, "00000000-0000-4000-8000-000000000000")).toMatchObject({ ok: false, notFound: true });
  });

  it("is refused once the unit closed the conversation", async () => {
    await db.db.update(messages).set({ canReply: false }).where(eq(messages.id, careId));
    expect(await reply(anna, thread)).toEqual({ ok: false, errors: { form: { key: "messages:errors.conversation_closed" } } });
    await db.db.update(messages).set({ canReply: true }).where(eq(messages.id, careId));
  });

  it("to a first message not yet delivered waits; once delivered it answers the clinical system's id", async () => {
    const first = await write(anna, { body: "Första" });
    if (!first.ok) throw new Error("not written");
    expect(await reply(anna, first.conversationId)).toEqual({ ok: false, errors: { form: { key: "messages:errors.not_delivered_yet" } } });
    expect(await reply(bo, first.conversationId)).toMatchObject({ ok: false, notFound: true });
    await db.db.update(outgoingMessages).set({ state: "delivered", clinicalMessageId: "ms-42" }).where(eq(outgoingMessages.id, first.conversationId));
    expect(await reply(anna, first.conversationId, { body: "Andra" })).toEqual({ ok: true, conversationId: "ms-42" });
    const [row] = await db.db.select().from(outgoingMessages).where(eq(outgoingMessages.body, "Andra"));
    expect(row).toMatchObject({ threadId: "ms-42", replyToId: "ms-42" });
  });
});

describe("sending a failed message again", () => {
  it("makes a new row with the same text and attachments, enqueued; twice makes one", async () => {
    const first = await write(anna, { body: "Skicka igen", attachments: [{ fileName: "a.png", bytes: PNG }] });
    if (!first.ok) throw new Error("not written");
    expect(await sendAgain(db.db, anna, { outgoingId: first.conversationId })).toMatchObject({ ok: false, notFound: true });
    await db.db.update(outgoingMessages).set({ state: "failed", failure: { kind: "refused", reason: "Mottagaren finns inte" } }).where(eq(outgoingMessages.id, first.conversationId));
    expect(await sendAgain(db.db, bo, { outgoingId: first.conversationId })).toMatchObject({ ok: false, notFound: true });
    const again = await sendAgain(db.db, anna, { outgoingId: first.conversationId });
    const twice = await sendAgain(db.db, anna, { outgoingId: first.conversationId });
    expect(twice).toEqual(again);
    if (!again.ok) throw new Error("not sent again");
    const [row] = await db.db.select().from(outgoingMessages).where(eq(outgoingMessages.resentFrom, first.conversationId));
    expect(row).toMatchObject({ id: again.conversationId, body: "Skicka igen", state: "sending", careUnitId: units.listed });
    expect(await outboxFor(row!.id)).toHaveLength(1);
    const files = await db.db.select().from(messageAttachments).where(eq(messageAttachments.outgoingMessageId, row!.id));
    expect(files.map((f) => [f.fileName, Buffer.from(f.content).equals(Buffer.from(PNG))])).toEqual([["a.png", true]]);
    expect(await sendAgain(db.db, anna, { outgoingId: "not-a-uuid" })).toMatchObject({ ok: false, notFound: true });
  });
});
