import { sql, type SQL } from "drizzle-orm";
import type { Queryable } from "../../db/connection";
import { runNamed } from "../../db/statements";
import { providerKindOf, type ProviderKind } from "../../db/schema/vocabulary";
import type { OutgoingFailure, OutgoingState } from "../../db/schema/portal/messages";
import { openedMessagesRow } from "~/clinical/writes/messages.server";
import { enqueue } from "~/clinical/outbox/outbox.server";
import type { RecordRules } from "~/disclosure/exclusions.server";
import { fromExcludedUnitId } from "~/disclosure/visibility.server";
import { toIso } from "~/i18n/dates";

/**
 * Conversations as the citizen reads them. A conversation is a thread of the read model (`messages.thread_id`, the
 * root Communication), together with what the citizen wrote that the read model does not hold yet
 * (`outgoing_messages` without a `messages` row of its `clinical_message_id`): a reply belongs to its thread; a new
 * message is a conversation of its own, addressed by the first outgoing row of its send-again chain until the clinical
 * system's copy arrives (then by the clinical id). A failed message that was sent again is represented by its resend.
 * Messages of units never shown online (app/disclosure) are left out. Every query names the subject.
 */

export const CONVERSATIONS_PAGE_SIZE = 20;
/** The Messages API's updatePatientMessageStatus takes at most this many messages. */
const OPENED_PER_ROW = 100;

export interface ConversationUnit {
  id: string | null;
  name: string | null;
  providerKind: ProviderKind;
}

export interface ConversationSummary {
  id: string;
  /** As the access log names it: the thread's root Communication, or the first outgoing row of a new message. */
  ref: string;
  topic: string | null;
  unit: ConversationUnit;
  lastMessageAt: string | null;
  /** A care team's message in it that the citizen has not read. */
  unread: boolean;
}

export type MessageAuthor =
  /** The subject themself. */
  | { kind: "self" }
  /** A guardian writing on the child's behalf. */
  | { kind: "guardian"; name: string | null }
  /** A named professional of the unit, with their role there. */
  | { kind: "professional"; name: string; role: string | null }
  /** The care unit, nobody named. */
  | { kind: "unit"; name: string | null };

export type MessageStatus = "sending" | "failed" | "delivered" | "read" | "answered";

export interface MessageAttachment {
  id: string;
  fileName: string;
  contentType: string;
  size: number;
}

export interface ConversationMessage {
  /** `Communication/<id>` (the read model's) or `OutgoingMessage/<id>` (not in the read model yet). */
  ref: string;
  id: string;
  direction: "patient" | "care";
  author: MessageAuthor;
  at: string | null;
  body: string;
  /** The citizen's own messages only. */
  status: MessageStatus | null;
  /** Why it was not delivered (failed only). */
  failure: OutgoingFailure | null;
  attachments: MessageAttachment[];
}

export interface Conversation {
  id: string;
  topic: string | null;
  unit: ConversationUnit & { phone: string | null; answerWorkingDays: number | null };
  canReply: boolean;
  messages: ConversationMessage[];
  /** The care team's messages not read yet (what opening the conversation marks as read). */
  unreadIds: string[];
}

/**
 * The rows of outgoing_messages of the subject, each with the first row of its send-again chain (`root`), without
 * those the read model holds, and without a failed row that was sent again.
 */
function outgoingCte(subjectId: string): SQL {
  return sql`
    chain as (
      select o.id, o.id as root from outgoing_messages o where o.person_id = ${subjectId} and o.resent_from is null
      union all
      select o.id, c.root from outgoing_messages o join chain c on o.resent_from = c.id where o.person_id = ${subjectId}
    ),
    pending as (
      select o.*, coalesce(o.thread_id, c.root::text) as conversation_id
        from outgoing_messages o
        join chain c on c.id = o.id
       where o.person_id = ${subjectId}
         and not exists (select 1 from messages m where m.id = o.clinical_message_id)
         and not (o.state = 'failed' and exists (select 1 from outgoing_messages r where r.resent_from = o.id and r.person_id = ${subjectId}))
    )`;
}

/** Every message of the subject shown online, the read model's and the pending ones, by conversation. */
function itemsCte(subjectId: string, rules: RecordRules): SQL {
  return sql`
    with recursive ${outgoingCte(subjectId)},
    items as (
      select m.thread_id as conversation_id, m.topic, m.care_unit_id,
             coalesce(m.sent_at, m.last_updated, m.received_at) as at,
             (m.direction = 'care' and m.read_at is null) as unread, true as in_read_model
        from messages m
       where m.person_id = ${subjectId} and m.deleted_at is null
         and not ${fromExcludedUnitId(rules, sql`coalesce(m.care_unit_id, '')`, sql`coalesce(m.care_unit_reference, '')`)}
      union all
      select p.conversation_id, p.topic, p.care_unit_id, p.created_at as at, false as unread, false as in_read_model
        from pending p
       where not ${fromExcludedUnitId(rules, sql`p.care_unit_id`)}
    )`;
}

interface SummaryRow {
  conversation_id: string;
  topic: string | null;
  unit_id: string | null;
  unit_name: string | null;
  provider_kind: string | null;
  last_at: Date | string | null;
  unread: boolean;
  in_read_model: boolean;
  total: number | string;
}

/** The subject's conversations, newest first (by their last message), a page of CONVERSATIONS_PAGE_SIZE at a time (1-based). */
export async function listConversations(
  db: Queryable,
  { subjectId, rules, page }: { subjectId: string; rules: RecordRules; page: number },
): Promise<{ conversations: ConversationSummary[]; total: number; pageCount: number }> {
  const offset = (Math.max(1, Math.floor(page)) - 1) * CONVERSATIONS_PAGE_SIZE;
  const rows = await runNamed<SummaryRow>(
    db,
    sql`${itemsCte(subjectId, rules)},
    conversations as (
      select conversation_id,
             (array_agg(topic order by at nulls last) filter (where topic is not null))[1] as topic,
             (array_agg(care_unit_id order by at nulls last) filter (where care_unit_id is not null))[1] as unit_id,
             max(at) as last_at,
             bool_or(unread) as unread,
             bool_or(in_read_model) as in_read_model
        from items group by conversation_id
    )
    select c.conversation_id, c.topic, c.unit_id, u.name as unit_name, u.provider_kind, c.last_at, c.unread, c.in_read_model,
           count(*) over ()::int as total
      from conversations c
      left join care_units u on u.id = c.unit_id
     order by c.last_at desc nulls last, c.conversation_id
     limit ${CONVERSATIONS_PAGE_SIZE} offset ${offset}`,
  );
  // A page past the end has no rows to count with: count again.
  const total = rows[0] ? Number(rows[0].total) : offset > 0 ? await conversationCount(db, subjectId, rules, false) : 0;
  return {
    conversations: rows.map((r) => ({
      id: r.conversation_id,
      ref: r.in_read_model ? `Communication/${r.conversation_id}` : `OutgoingMessage/${r.conversation_id}`,
      topic: r.topic,
      unit: { id: r.unit_id, name: r.unit_name, providerKind: providerKindOf(r.provider_kind) },
      lastMessageAt: toIso(r.last_at),
      unread: r.unread,
    })),
    total,
    pageCount: Math.max(1, Math.ceil(total / CONVERSATIONS_PAGE_SIZE)),
  };
}

async function conversationCount(db: Queryable, subjectId: string, rules: RecordRules, unreadOnly: boolean): Promise<number> {
  const [row] = await runNamed<{ n: number | string }>(
    db,
    sql`${itemsCte(subjectId, rules)}
    select count(distinct conversation_id)::int as n from items ${unreadOnly ? sql`where unread` : sql``}`,
  );
  return Number(row?.n ?? 0);
}

/** How many of the subject's conversations hold a care team's message they have not read. */
export function unreadConversationCount(db: Queryable, { subjectId, rules }: { subjectId: string; rules: RecordRules }): Promise<number> {
  return conversationCount(db, subjectId, rules, true);
}

interface MessageRow {
  source: "read_model" | "outgoing";
  id: string;
  direction: "patient" | "care";
  topic: string | null;
  care_unit_id: string | null;
  at: Date | string | null;
  body: string | null;
  read_at: Date | string | null;
  opened_by_unit_at: Date | string | null;
  can_reply: boolean;
  sender_reference: string | null;
  sender_name: string | null;
  practitioner_name: string | null;
  profession: string | null;
  outgoing_id: string | null;
  actor_person_id: string | null;
  actor_given: string | null;
  actor_family: string | null;
  state: OutgoingState | null;
  failure: OutgoingFailure | string | null;
}

interface AttachmentRow {
  outgoing_message_id: string | null;
  message_id: string | null;
  id: string;
  file_name: string;
  content_type: string;
  size: number | string;
}

interface UnitRow {
  id: string;
  name: string;
  provider_kind: string | null;
  phone: string | null;
  answer_working_days: number | null;
}

/**
 * Which conversation an address names, for the subject: a thread of theirs, or a new message of theirs not in the
 * read model yet (by its first outgoing row). A new message whose clinical copy has arrived answers with the clinical
 * thread (the page redirects there). Null when it is none of theirs.
 */
async function resolveConversationId(db: Queryable, subjectId: string, rules: RecordRules, id: string): Promise<string | null> {
  const [row] = await runNamed<{ conversation_id: string }>(
    db,
    sql`${itemsCte(subjectId, rules)}
    select conversation_id from items where conversation_id = ${id}
    union all
    (select m.thread_id
       from outgoing_messages o
       join messages m on m.id = o.clinical_message_id and m.person_id = ${subjectId} and m.deleted_at is null
      where o.person_id = ${subjectId} and o.id::text = ${id} and o.thread_id is null
      limit 1)
    limit 1`,
  );
  if (!row) return null;
  if (row.conversation_id === id) return id;
  // The clinical copy's thread, if shown online.
  const [shown] = await runNamed<{ conversation_id: string }>(
    db,
    sql`${itemsCte(subjectId, rules)} select conversation_id from items where conversation_id = ${row.conversation_id} limit 1`,
  );
  return shown?.conversation_id ?? null;
}

/** One conversation of the subject, every message in order; null when it is not theirs (or not shown online). */
export async function findConversation(db: Queryable, { subjectId, rules, id }: { subjectId: string; rules: RecordRules; id: string }): Promise<Conversation | null> {
  const conversationId = await resolveConversationId(db, subjectId, rules, id);
  if (!conversationId) return null;
  const rows = await runNamed<MessageRow>(
    db,
    sql`with recursive ${outgoingCte(subjectId)}
    select 'read_model' as source, m.id, m.direction, m.topic, m.care_unit_id,
           coalesce(m.sent_at, m.last_updated, m.received_at) as at, m.body, m.read_at, m.opened_by_unit_at, m.can_reply,
           m.sender_reference, m.sender_name, pr.name as practitioner_name, pr.profession,
           o.id::text as outgoing_id, o.actor_person_id, a.given_name as actor_given, a.family_name as actor_family,
           o.state, o.failure
      from messages m
      left join practitioners pr on m.sender_reference like 'Practitioner/%' and pr.id = substr(m.sender_reference, 14) and pr.deleted_at is null
      left join lateral (
        select * from outgoing_messages o where o.clinical_message_id = m.id and o.person_id = ${subjectId} order by o.created_at desc limit 1
      ) o on true
      left join people a on a.id = o.actor_person_id
     where m.person_id = ${subjectId} and m.thread_id = ${conversationId} and m.deleted_at is null
       and not ${fromExcludedUnitId(rules, sql`coalesce(m.care_unit_id, '')`, sql`coalesce(m.care_unit_reference, '')`)}
    union all
    select 'outgoing', p.id::text, 'patient', p.topic, p.care_unit_id, p.created_at, p.body, null, null, true,
           null, null, null, null,
           p.id::text, p.actor_person_id, a.given_name, a.family_name, p.state, p.failure
      from pending p
      left join people a on a.id = p.actor_person_id
     where p.conversation_id = ${conversationId}
       and not ${fromExcludedUnitId(rules, sql`p.care_unit_id`)}
     order by at nulls first, id`,
  );
  if (rows.length === 0) return null;
  // The citizen's files by their outgoing message; the care team's by the message they came with.
  const outgoingIds = rows.map((r) => r.outgoing_id).filter((x): x is string => x !== null);
  const careIds = rows.filter((r) => r.source === "read_model" && r.direction === "care").map((r) => r.id);
  const attachmentRows = await runNamed<AttachmentRow>(
    db,
    sql`select a.outgoing_message_id::text, a.message_id, a.id::text, a.file_name, a.content_type, a.size
          from message_attachments a
         where a.person_id = ${subjectId}
           and (a.outgoing_message_id::text = any(${sql.param(outgoingIds)}::text[]) or a.message_id = any(${sql.param(careIds)}::text[]))
         order by a.created_at, a.id`,
  );
  const unitId = rows.find((r) => r.care_unit_id)?.care_unit_id ?? null;
  const [unit] = unitId
    ? await runNamed<UnitRow>(db, sql`select id, name, provider_kind, phone, answer_working_days from care_units where id = ${unitId} and deleted_at is null`)
    : [];
  const lastCare = rows.findLast((r) => r.direction === "care");
  const messages = rows.map((r, i): ConversationMessage => {
    const own = r.direction === "patient";
    const answered = own && rows.slice(i + 1).some((later) => later.direction === "care");
    return {
      ref: r.source === "read_model" ? `Communication/${r.id}` : `OutgoingMessage/${r.id}`,
      id: r.id,
      direction: r.direction,
      author: authorOf(r, subjectId, unit?.name ?? null),
      at: toIso(r.at),
      body: r.body ?? "",
      status: own ? statusOf(r, answered) : null,
      failure: r.state === "failed" && r.source === "outgoing" ? failureOf(r.failure) : null,
      attachments: attachmentRows
        .filter((a) => (r.outgoing_id !== null && a.outgoing_message_id === r.outgoing_id) || (r.direction === "care" && a.message_id === r.id))
        .map((a) => ({ id: a.id, fileName: a.file_name, contentType: a.content_type, size: Number(a.size) })),
    };
  });
  return {
    id: conversationId,
    topic: rows.find((r) => r.topic)?.topic ?? null,
    unit: {
      id: unit?.id ?? unitId,
      name: unit?.name ?? null,
      providerKind: providerKindOf(unit?.provider_kind ?? null),
      phone: unit?.phone ?? null,
      answerWorkingDays: unit?.answer_working_days ?? null,
    },
    canReply: lastCare ? lastCare.can_reply : true,
    messages,
    unreadIds: rows.filter((r) => r.source === "read_model" && r.direction === "care" && r.read_at === null).map((r) => r.id),
  };
}

function failureOf(value: OutgoingFailure | string | null): OutgoingFailure {
  if (value === null) return { kind: "undeliverable", reason: null };
  return typeof value === "string" ? (JSON.parse(value) as OutgoingFailure) : value;
}

function statusOf(r: MessageRow, answered: boolean): MessageStatus {
  if (r.source === "outgoing" && r.state === "sending") return "sending";
  if (r.source === "outgoing" && r.state === "failed") return "failed";
  if (answered) return "answered";
  if (r.opened_by_unit_at !== null) return "read";
  return "delivered";
}

function authorOf(r: MessageRow, subjectId: string, unitName: string | null): MessageAuthor {
  if (r.direction === "care") {
    if (r.sender_reference?.startsWith("Practitioner/")) {
      const name = r.practitioner_name ?? r.sender_name;
      if (name) return { kind: "professional", name, role: r.profession };
    }
    return { kind: "unit", name: unitName ?? r.sender_name };
  }
  if (r.actor_person_id !== null) {
    if (r.actor_person_id === subjectId) return { kind: "self" };
    return { kind: "guardian", name: [r.actor_given, r.actor_family].filter(Boolean).join(" ") || r.sender_name };
  }
  if (r.sender_reference?.startsWith("RelatedPerson/")) return { kind: "guardian", name: r.sender_name };
  return { kind: "self" };
}

/**
 * Opening a conversation marks the care team's messages in it read, and tells the clinical system they were opened
 * (the Messages API's OPENED, at most 100 a row), in one transaction. Nothing unread: nothing written. Returns the
 * messages marked.
 */
export async function markConversationRead(db: Queryable, { subjectId, conversation }: { subjectId: string; conversation: Pick<Conversation, "unreadIds"> }): Promise<string[]> {
  if (conversation.unreadIds.length === 0) return [];
  return db.transaction(async (tx) => {
    const marked = await runNamed<{ id: string }>(
      tx,
      sql`update messages set read_at = now()
           where person_id = ${subjectId} and direction = 'care' and read_at is null
             and id = any(${sql.param([...conversation.unreadIds])}::text[])
       returning id`,
    );
    const ids = marked.map((m) => m.id).sort();
    for (let i = 0; i < ids.length; i += OPENED_PER_ROW) await enqueue(tx, openedMessagesRow(subjectId, ids.slice(i, i + OPENED_PER_ROW)));
    return ids;
  });
}
