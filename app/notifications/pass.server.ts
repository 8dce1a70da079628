import { sql } from "drizzle-orm";
import { rowsOf, type Database } from "../../db/connection";
import { notificationOutbox, type NotificationChannel } from "../../db/schema";
import { recordRules } from "~/disclosure/exclusions.server";
import { fromExcludedUnitId } from "~/disclosure/visibility.server";
import { decideAccess, recordedGuardianOf } from "~/identity/access.server";
import type { Language } from "~/i18n/config";
import { NOTIFICATION_KIND, type NotificationPayload } from "./delivery.server";

/**
 * The notification pass: finds the care team's messages that arrived since it last looked, and enqueues for each
 * person to tell (the subject, and each guardian who may message for the child today, as app/identity decides) one
 * notification per channel they chose, at most one per conversation per person per hour.
 *
 * Several processes may run it at once: what is decided is decided by the database. A (message, person) pair is
 * handled once (notified_messages' primary key), and the hour by one row per (person, conversation) that only an
 * update older than the hour may move (notification_windows); both in the transaction that enqueues.
 */

/** At most one notification per conversation per person within this time. */
export const NOTIFY_AT_MOST_EVERY_MS = 60 * 60_000;
/** A first pass, or a message that arrived long after it was sent (a re-import), reaches back no further. */
export const LOOK_BACK_MS = 24 * 60 * 60_000;
/** Each pass looks again this far before where the last one stopped, for rows committed late with an earlier time. */
export const PASS_OVERLAP_MS = 2 * 60_000;
/** Messages looked at per pass; the next pass goes on from the last one's. */
export const PASS_BATCH = 500;

const PASS_NAME = "care-messages";

export interface PassResult {
  /** Care messages looked at. */
  messages: number;
  /** Notifications enqueued (one per channel). */
  enqueued: number;
  /** (message, person) pairs not told because the person was told about the conversation within the hour. */
  quiet: number;
}

interface CareMessage {
  id: string;
  person_id: string;
  thread_id: string;
  received_at: Date | string;
}

interface Recipient {
  person_id: string;
  email: string | null;
  mobile: string | null;
  by_email: boolean;
  by_sms: boolean;
  language: Language;
}

export async function notificationPass(db: Database, options: { now: Date; channels: readonly NotificationChannel[] }): Promise<PassResult> {
  const { now, channels } = options;
  const result: PassResult = { messages: 0, enqueued: 0, quiet: 0 };
  const [cursor] = rowsOf<{ looked_until: Date | string }>(await db.execute(sql`select looked_until from notification_pass where name = ${PASS_NAME}`));
  const lookBack = new Date(now.getTime() - LOOK_BACK_MS);
  // `now` counts milliseconds and received_at microseconds: a message received within the millisecond `now` names is
  // up to it.
  const upTo = new Date(now.getTime() + 1);
  const from = cursor ? new Date(Math.max(new Date(cursor.looked_until).getTime() - PASS_OVERLAP_MS, lookBack.getTime())) : lookBack;
  // A message the portal never shows (from a unit withheld online) is not told of either.
  const rules = await recordRules(db);
  const found = rowsOf<CareMessage>(
    await db.execute(sql`
      select m.id, m.person_id, m.thread_id, m.received_at
      from messages m
      where m.direction = 'care' and m.deleted_at is null and m.read_at is null and m.person_id is not null
        and m.received_at > ${from.toISOString()}::timestamptz and m.received_at < ${upTo.toISOString()}::timestamptz
        and coalesce(m.sent_at, m.received_at) > ${lookBack.toISOString()}::timestamptz
        and not ${fromExcludedUnitId(rules, sql`coalesce(m.care_unit_id, '')`, sql`coalesce(m.care_unit_reference, '')`)}
      order by m.received_at, m.id
      limit ${PASS_BATCH}`),
  );
  for (const message of found) {
    result.messages += 1;
    for (const recipient of await recipientsOf(db, message, now)) {
      const told = await tell(db, message, recipient, channels, now);
      if (told === null) continue;
      if (told === 0) result.quiet += 1;
      result.enqueued += told;
    }
  }
  // Everything up to now was looked at, unless the batch was full: then up to the last message of it.
  const last = found.length === PASS_BATCH ? found.at(-1) : undefined;
  const lookedUntil = last ? new Date(last.received_at) : now;
  await db.execute(sql`
    insert into notification_pass (name, looked_until) values (${PASS_NAME}, ${lookedUntil.toISOString()}::timestamptz)
    on conflict (name) do update set looked_until = greatest(notification_pass.looked_until, excluded.looked_until)`);
  return result;
}

/**
 * Who is to be told of a new message of the subject: the people with settings for the event among the subject and
 * those recorded as the subject's guardian, kept when identity says they may message for the subject today. Settings
 * tell of the messages that arrive after they were saved: someone saving them, logged in, is not told by e-mail of a
 * message already in their inbox.
 */
async function recipientsOf(db: Database, message: CareMessage, now: Date): Promise<Recipient[]> {
  const subjectPersonId = message.person_id;
  const candidates = rowsOf<Recipient>(
    await db.execute(sql`
      select cs.person_id, cs.email, cs.mobile, cs.by_email, cs.by_sms, cs.language
      from contact_settings cs
      where cs.on_new_message and (cs.by_email or cs.by_sms)
        and (cs.person_id = ${subjectPersonId} or ${recordedGuardianOf(sql`cs.person_id`, subjectPersonId)})
        and cs.updated_at <= (select m.received_at from messages m where m.id = ${message.id})
      order by cs.person_id`),
  );
  const allowed: Recipient[] = [];
  for (const candidate of candidates) {
    const decision = await decideAccess(db, candidate.person_id, subjectPersonId, now);
    if (decision.capabilities.includes("message")) allowed.push(candidate);
  }
  return allowed;
}

/**
 * Records the (message, person) pair and, unless the person was told about the conversation within the hour, enqueues
 * a notification per channel, all in one transaction. Null when the pair was handled already (by this or another
 * process), else how many were enqueued.
 */
async function tell(db: Database, message: CareMessage, recipient: Recipient, offered: readonly NotificationChannel[], now: Date): Promise<number | null> {
  return db.transaction(async (tx) => {
    const first = rowsOf(
      await tx.execute(sql`
        insert into notified_messages (message_id, person_id, thread_id, notified)
        values (${message.id}, ${recipient.person_id}, ${message.thread_id}, false)
        on conflict do nothing
        returning message_id`),
    );
    if (first.length === 0) return null;
    const windowOpen = rowsOf(
      await tx.execute(sql`
        insert into notification_windows (person_id, thread_id, notified_at)
        values (${recipient.person_id}, ${message.thread_id}, ${now.toISOString()}::timestamptz)
        on conflict (person_id, thread_id) do update set notified_at = excluded.notified_at
        where notification_windows.notified_at <= excluded.notified_at - ${NOTIFY_AT_MOST_EVERY_MS} * interval '1 millisecond'
        returning person_id`),
    );
    if (windowOpen.length === 0) return 0;
    const rows: { channel: NotificationChannel; to: string }[] = [];
    if (recipient.by_email && recipient.email && offered.includes("email")) rows.push({ channel: "email", to: recipient.email });
    if (recipient.by_sms && recipient.mobile && offered.includes("sms")) rows.push({ channel: "sms", to: recipient.mobile });
    if (rows.length === 0) return 0;
    await tx.execute(sql`update notified_messages set notified = true where message_id = ${message.id} and person_id = ${recipient.person_id}`);
    await tx.insert(notificationOutbox).values(
      rows.map(({ channel, to }) => ({
        kind: NOTIFICATION_KIND[channel],
        // The relay delivers one row at a time per key: each person's channels go on independently.
        subjectPersonId: `${recipient.person_id}:${channel}`,
        payload: { to, language: recipient.language } satisfies NotificationPayload as unknown as Record<string, unknown>,
      })),
    );
    return rows.length;
  });
}
