import { and, eq, sql } from "drizzle-orm";
import type { Queryable } from "../../db/connection";
import { messageAttachments, outgoingMessages, providerKindOf, type ProviderKind } from "../../db/schema";
import { jsonValue, runNamed } from "../../db/statements";
import { recordRules } from "~/disclosure/exclusions.server";
import { unitsInCareOf } from "~/record/care-relationship.server";
import { enqueue } from "~/clinical/outbox/outbox.server";
import { sendMessageRow } from "~/clinical/writes/messages.server";
import type { FieldError } from "~/utils/query-fields";
import { checkAttachments, isUuid, storeAttachments, type AttachmentInput } from "./attachments.server";
import { characterCount, MESSAGE_MAX_CHARACTERS } from "./limits";

/**
 * Writing to a care team: the units the subject may write to, a new message, a reply in a conversation, and sending a
 * failed message again. Each takes the subject (whose conversation it is) and the actor (who writes: the subject, or a
 * guardian); what is written is kept exactly as typed, and its delivery is promised to the outbox in the same
 * transaction (app/clinical/writes/messages.server.ts).
 */

/** The region's topics, for a unit that states none (the text is the clinical system's; the pages translate the code). */
export const REGION_TOPICS: readonly MessageTopic[] = [
  { code: "question", display: "Fråga om behandling", region: true },
  { code: "prescription", display: "Förnya recept", region: true },
  { code: "other", display: "Övrigt", region: true },
];

/** The topic a reply has (it continues the conversation's own). */
export const REPLY_TOPIC_CODE = "reply";

export interface MessageTopic {
  code: string;
  display: string;
  /** One of the region's topics: the page shows its text from the locale files. */
  region: boolean;
}

export interface MessageUnit {
  id: string;
  name: string;
  providerKind: ProviderKind;
  answerWorkingDays: number | null;
  topics: MessageTopic[];
}

export interface Writer {
  subjectPersonId: string;
  actorPersonId: string;
}

export type WriteField = "unit" | "topic" | "body" | "attachments" | "form";
export type WriteErrors = Partial<Record<WriteField, FieldError>>;
export type WriteOutcome = { ok: true; conversationId: string } | { ok: false; errors: WriteErrors; notFound?: true };

const error = (key: string, values?: FieldError["values"]): FieldError => ({ key: `messages:errors.${key}`, ...(values ? { values } : {}) });
const notFound = (): WriteOutcome => ({ ok: false, errors: { form: error("not_found") }, notFound: true });

interface UnitRow {
  id: string;
  name: string;
  provider_kind: string;
  answer_working_days: number | null;
  message_topics: { code: string; display: string }[] | string | null;
}

function topicsOf(stated: UnitRow["message_topics"]): MessageTopic[] {
  const list = stated === null ? null : jsonValue(stated);
  const own = Array.isArray(list) ? list.filter((t) => typeof t?.code === "string" && t.code && typeof t.display === "string" && t.display) : [];
  return own.length ? own.map((t) => ({ code: t.code, display: t.display, region: false })) : [...REGION_TOPICS];
}

/**
 * The units the subject may write to: those whose care they are in (app/record/care-relationship) and those open to
 * anyone's messages; a unit never shown online (app/disclosure), never. Sorted by name.
 */
export async function messageUnits(db: Queryable, { subjectId, now, unitId }: { subjectId: string; now: Date; unitId?: string }): Promise<MessageUnit[]> {
  const rules = await recordRules(db);
  const inCare = await unitsInCareOf(db, subjectId, now);
  const rows = await runNamed<UnitRow>(
    db,
    sql`
    select u.id, u.name, u.provider_kind, u.answer_working_days, u.message_topics
      from care_units u
     where u.deleted_at is null
       and u.id <> all(${sql.param(rules.excludedUnitIds)}::text[])
       and ${unitId === undefined ? sql`true` : sql`u.id = ${unitId}`}
       and (u.open_messaging or u.id in ${inCare})
     order by u.name, u.id`,
  );
  return rows.map((r) => ({ id: r.id, name: r.name, providerKind: providerKindOf(r.provider_kind), answerWorkingDays: r.answer_working_days, topics: topicsOf(r.message_topics) }));
}

/** One unit the subject may write to, or null. */
export async function messageUnit(db: Queryable, o: { subjectId: string; unitId: string; now: Date }): Promise<MessageUnit | null> {
  return (await messageUnits(db, o))[0] ?? null;
}

// eslint-disable-next-line no-control-regex -- control characters are what it finds (tab and line breaks are text)
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** The text's error, if any: empty (nothing but white space), too long (by how much), or holding control characters. */
export function bodyError(body: string): FieldError | null {
  if (body.trim() === "") return error("body_empty");
  const count = characterCount(body);
  if (count > MESSAGE_MAX_CHARACTERS) return error("body_too_long", { max: MESSAGE_MAX_CHARACTERS, count: count - MESSAGE_MAX_CHARACTERS });
  if (CONTROL.test(body)) return error("body_control");
  return null;
}

const FORM_TOKEN = /^[A-Za-z0-9_-]{16,100}$/;

interface NewRow {
  careUnitId: string;
  threadId: string | null;
  replyToId: string | null;
  topicCode: string;
  topic: string;
}

/**
 * The message's row, its attachments and its outbox row in one transaction; a second submit of the same form (same
 * person and token) finds the first row and adds nothing.
 */
async function insertMessage(
  db: Queryable,
  writer: Writer,
  row: NewRow & { body: string; formToken: string; resentFrom?: string },
  attach: (tx: Queryable, outgoingId: string) => Promise<void>,
): Promise<string> {
  return db.transaction(async (tx) => {
    const [inserted] = await tx
      .insert(outgoingMessages)
      .values({ personId: writer.subjectPersonId, actorPersonId: writer.actorPersonId, ...row, resentFrom: row.resentFrom ?? null })
      .onConflictDoNothing({ target: [outgoingMessages.personId, outgoingMessages.formToken] })
      .returning({ id: outgoingMessages.id, threadId: outgoingMessages.threadId });
    if (!inserted) {
      const [first] = await tx
        .select({ id: outgoingMessages.id, threadId: outgoingMessages.threadId })
        .from(outgoingMessages)
        .where(and(eq(outgoingMessages.personId, writer.subjectPersonId), eq(outgoingMessages.formToken, row.formToken)));
      if (!first) throw new Error("a form token's first message was not found");
      return first.threadId ?? first.id;
    }
    await attach(tx, inserted.id);
    const outboxId = await enqueue(tx, sendMessageRow(writer.subjectPersonId, inserted.id));
    await tx.update(outgoingMessages).set({ outboxId }).where(eq(outgoingMessages.id, inserted.id));
    return inserted.threadId ?? inserted.id;
  });
}

function checkTextAndFiles(errors: WriteErrors, body: string, attachments: readonly AttachmentInput[], formToken: string) {
  const bodyProblem = bodyError(body);
  if (bodyProblem) errors.body = bodyProblem;
  const files = checkAttachments(attachments);
  if (files.error) errors.attachments = files.error;
  if (!FORM_TOKEN.test(formToken)) errors.form = error("form_expired");
  return files.attachments;
}

export interface NewMessage {
  unitId: string;
  topicCode: string;
  body: string;
  attachments: readonly AttachmentInput[];
  formToken: string;
  now: Date;
}

/** A new conversation with a unit the subject may write to; its id is the outgoing row's until the clinical system has it. */
export async function writeMessage(db: Queryable, writer: Writer, input: NewMessage): Promise<WriteOutcome> {
  const errors: WriteErrors = {};
  const unit = input.unitId ? await messageUnit(db, { subjectId: writer.subjectPersonId, unitId: input.unitId, now: input.now }) : null;
  if (!unit) errors.unit = error(input.unitId ? "unit_not_allowed" : "unit_required");
  const topic = unit?.topics.find((t) => t.code === input.topicCode);
  if (unit && !topic) errors.topic = error(input.topicCode ? "topic_not_of_unit" : "topic_required");
  const attachments = checkTextAndFiles(errors, input.body, input.attachments, input.formToken);
  if (!unit || !topic || Object.keys(errors).length > 0) return { ok: false, errors };
  const conversationId = await insertMessage(
    db,
    writer,
    { careUnitId: unit.id, threadId: null, replyToId: null, topicCode: topic.code, topic: topic.display, body: input.body, formToken: input.formToken },
    (tx, outgoingId) => storeAttachments(tx, { outgoingId, subjectId: writer.subjectPersonId, attachments }),
  );
  return { ok: true, conversationId };
}

interface ThreadRow {
  id: string;
  direction: "patient" | "care";
  can_reply: boolean;
  care_unit_id: string | null;
  topic: string | null;
}

/** What a reply in a conversation needs to know: where it goes, what it answers; or why it cannot be written. */
export type ReplyTarget = { ok: true; row: NewRow } | { ok: false; reason: "not_found" | "closed" | "not_delivered" };

/**
 * The conversation the subject may reply in: a thread of theirs in the read model (from a unit shown online), or their
 * own first message not yet there. A reply answers the care team's newest message (else the newest of all), and needs
 * the clinical system's id of it (its previousMessageId): so a conversation whose first message has not been
 * delivered yet cannot be answered until it has (the page says so; nothing is written that could not be sent).
 */
export async function replyTarget(db: Queryable, { subjectId, conversationId }: { subjectId: string; conversationId: string }): Promise<ReplyTarget> {
  const rules = await recordRules(db);
  const thread = await runNamed<ThreadRow>(
    db,
    sql`
    select m.id, m.direction, m.can_reply, m.care_unit_id, m.topic
      from messages m
     where m.thread_id = ${conversationId} and m.person_id = ${subjectId} and m.deleted_at is null
     order by m.sent_at desc nulls last, m.id desc`,
  );
  if (thread.length > 0) {
    const unitId = thread.find((m) => m.care_unit_id)?.care_unit_id ?? null;
    if (!unitId || rules.excludedUnitIds.includes(unitId)) return { ok: false, reason: "not_found" };
    const newestCare = thread.find((m) => m.direction === "care");
    if (newestCare && !newestCare.can_reply) return { ok: false, reason: "closed" };
    const answered = newestCare ?? thread[0]!;
    const topic = thread[thread.length - 1]?.topic ?? thread.find((m) => m.topic)?.topic ?? "";
    return { ok: true, row: { careUnitId: unitId, threadId: conversationId, replyToId: answered.id, topicCode: REPLY_TOPIC_CODE, topic } };
  }
  if (!isUuid(conversationId)) return { ok: false, reason: "not_found" };
  const [first] = await db
    .select({ state: outgoingMessages.state, clinicalMessageId: outgoingMessages.clinicalMessageId, careUnitId: outgoingMessages.careUnitId, topic: outgoingMessages.topic, threadId: outgoingMessages.threadId })
    .from(outgoingMessages)
    .where(and(eq(outgoingMessages.id, conversationId), eq(outgoingMessages.personId, subjectId)));
  if (!first || first.threadId !== null || rules.excludedUnitIds.includes(first.careUnitId)) return { ok: false, reason: "not_found" };
  if (first.state !== "delivered" || !first.clinicalMessageId) return { ok: false, reason: "not_delivered" };
  // Delivered, not yet in the read model: the clinical system's id is the conversation's (a thread's root is its id).
  return { ok: true, row: { careUnitId: first.careUnitId, threadId: first.clinicalMessageId, replyToId: first.clinicalMessageId, topicCode: REPLY_TOPIC_CODE, topic: first.topic } };
}

export interface Reply {
  conversationId: string;
  body: string;
  attachments: readonly AttachmentInput[];
  formToken: string;
  now: Date;
}

/** A reply in a conversation of the subject's; another person's or an unknown conversation: not found. */
export async function replyToConversation(db: Queryable, writer: Writer, input: Reply): Promise<WriteOutcome> {
  const target = await replyTarget(db, { subjectId: writer.subjectPersonId, conversationId: input.conversationId });
  if (!target.ok && target.reason === "not_found") return notFound();
  const errors: WriteErrors = {};
  if (!target.ok) errors.form = error(target.reason === "closed" ? "conversation_closed" : "not_delivered_yet");
  const attachments = checkTextAndFiles(errors, input.body, input.attachments, input.formToken);
  if (!target.ok || Object.keys(errors).length > 0) return { ok: false, errors };
  const conversationId = await insertMessage(db, writer, { ...target.row, body: input.body, formToken: input.formToken }, (tx, outgoingId) =>
    storeAttachments(tx, { outgoingId, subjectId: writer.subjectPersonId, attachments }),
  );
  return { ok: true, conversationId };
}

/**
 * A failed message of the subject's sent again: a new row repeating it (same text, unit, topic, conversation and
 * attachments), `resent_from` the failed one, and its own outbox row. Sending the same failed message again twice
 * makes one new row. Anything but a failed message of the subject's: not found.
 */
export async function sendAgain(db: Queryable, writer: Writer, { outgoingId }: { outgoingId: string }): Promise<WriteOutcome> {
  if (!isUuid(outgoingId)) return notFound();
  const [failed] = await db
    .select()
    .from(outgoingMessages)
    .where(and(eq(outgoingMessages.id, outgoingId), eq(outgoingMessages.personId, writer.subjectPersonId), eq(outgoingMessages.state, "failed")));
  if (!failed) return notFound();
  const conversationId = await insertMessage(
    db,
    writer,
    {
      careUnitId: failed.careUnitId,
      threadId: failed.threadId,
      replyToId: failed.replyToId,
      topicCode: failed.topicCode,
      topic: failed.topic,
      body: failed.body,
      formToken: `resent-${failed.id}`,
      resentFrom: failed.id,
    },
    async (tx, newId) => {
      await tx.execute(sql`
        insert into ${messageAttachments} (outgoing_message_id, person_id, file_name, content_type, size, sha256, content)
        select ${newId}::uuid, person_id, file_name, content_type, size, sha256, content
          from ${messageAttachments}
         where outgoing_message_id = ${failed.id}::uuid and person_id = ${writer.subjectPersonId}
         order by created_at, id`);
    },
  );
  return { ok: true, conversationId };
}
