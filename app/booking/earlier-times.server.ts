import { sql } from "drizzle-orm";
import { rowsOf, type Queryable } from "../../db/connection";
import { runNamed } from "../../db/statements";
import { enqueue } from "~/clinical/outbox/outbox.server";
import { appointmentRows } from "~/clinical/writes/appointments.server";
import { toIso } from "~/i18n/dates";
import { answerSeen, findAppointment } from "./appointments.server";
import { nextFreeTimes, type Actor, type BookingOutcome, type FreeTime } from "./booking.server";

/**
 * Earlier times: a citizen with a booked appointment asks to be offered an earlier time of its type. A booking pass
 * (`bookingPass`, run by every portal process in turn) offers each free earlier time to the first in line (the oldest
 * wish): the time is held for them, as an `offer` row, until the offer runs out; taking it moves the appointment as a
 * move does (held, then sent through the outbox).
 */

/** How long an offered time is kept for the citizen. */
export const OFFER_MINUTES = 60;
/** An offered time starts at least this long after the offer: time to read it, take it and get there. */
const OFFER_LEAD_MS = 2 * 3600_000;
/** Wishes looked at in one pass, oldest first. */
const LINE_PER_PASS = 200;

export interface EarlierTimeOffer {
  bookingId: string;
  time: FreeTime;
  expiresAt: string;
}

/** Whether the appointment waits for an earlier time, and the offer made to it now, if any. */
export async function earlierTimeStatus(
  db: Queryable,
  { subjectId, appointmentId, now }: { subjectId: string; appointmentId: string; now: Date },
): Promise<{ waiting: boolean; offer: EarlierTimeOffer | null }> {
  const [waiting] = await runNamed<{ id: string }>(
    db,
    sql`select id from earlier_time_requests where person_id = ${subjectId} and appointment_id = ${appointmentId} and ended_at is null`,
  );
  const [offer] = await offersOf(db, subjectId, now, sql`and b.appointment_id = ${appointmentId}`);
  return { waiting: waiting !== undefined, offer: offer ?? null };
}

/** The subject's open offers (the overview tells them), soonest first. */
export async function earlierTimeOffers(db: Queryable, { subjectId, now }: { subjectId: string; now: Date }): Promise<(EarlierTimeOffer & { appointmentId: string })[]> {
  return offersOf(db, subjectId, now, sql``);
}

async function offersOf(db: Queryable, subjectId: string, now: Date, where: ReturnType<typeof sql>) {
  const rows = await runNamed<{ id: string; appointment_id: string; slot_id: string; starts_at: Date | string; ends_at: Date | string; expires_at: Date | string }>(
    db,
    sql`select b.id, b.appointment_id, b.slot_id, b.starts_at, b.ends_at, b.expires_at from bookings b
         where b.person_id = ${subjectId} and b.action = 'offer' and b.state = 'offered' and b.expires_at > ${now.toISOString()}::timestamptz ${where}
         order by b.starts_at`,
  );
  return rows.map((r) => ({
    bookingId: r.id,
    appointmentId: r.appointment_id,
    time: { slotId: r.slot_id, startsAt: toIso(r.starts_at) as string, endsAt: toIso(r.ends_at) as string, practitionerName: null },
    expiresAt: toIso(r.expires_at) as string,
  }));
}

/** Puts a booked appointment in its type's line for an earlier time (asking twice changes nothing). */
export async function askForEarlierTime(db: Queryable, actor: Actor, { appointmentId, now }: { appointmentId: string; now: Date }): Promise<BookingOutcome> {
  const appointment = await findAppointment(db, { subjectId: actor.subjectPersonId, id: appointmentId, now });
  if (!appointment?.appointmentId) return { ok: false, error: "appointment_unknown" };
  if (appointment.reschedule !== null || !appointment.appointmentTypeId) return { ok: false, error: "not_changeable" };
  await db.execute(sql`
    insert into earlier_time_requests (person_id, actor_person_id, appointment_id, appointment_type_id)
    values (${actor.subjectPersonId}, ${actor.actorPersonId}, ${appointment.appointmentId}, ${appointment.appointmentTypeId})
    on conflict do nothing`);
  return { ok: true, id: appointment.appointmentId };
}

/** Leaves the line, and lets an offer made go. */
export async function stopAskingForEarlierTime(db: Queryable, actor: Actor, { appointmentId }: { appointmentId: string }): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`update earlier_time_requests set ended_at = now() where person_id = ${actor.subjectPersonId} and appointment_id = ${appointmentId} and ended_at is null`);
    await releaseOffer(tx, actor.subjectPersonId, appointmentId);
  });
}

/** Says no to the time offered: it goes to the next in line; the appointment stays in line for another. */
export async function declineOffer(db: Queryable, actor: Actor, { appointmentId }: { appointmentId: string }): Promise<void> {
  await releaseOffer(db, actor.subjectPersonId, appointmentId);
}

async function releaseOffer(db: Queryable, subjectId: string, appointmentId: string): Promise<void> {
  await db.execute(sql`
    update bookings set state = 'released', updated_at = now()
     where person_id = ${subjectId} and appointment_id = ${appointmentId} and action = 'offer' and state = 'offered'`);
}

/** Takes the time offered: the offer becomes a move of the appointment to it, sent through the outbox. */
export async function takeOffer(db: Queryable, actor: Actor, { appointmentId, now }: { appointmentId: string; now: Date }): Promise<BookingOutcome> {
  const appointment = await findAppointment(db, { subjectId: actor.subjectPersonId, id: appointmentId, now });
  if (!appointment?.appointmentId) return { ok: false, error: "appointment_unknown" };
  const { offer } = await earlierTimeStatus(db, { subjectId: actor.subjectPersonId, appointmentId: appointment.appointmentId, now });
  if (!offer) return { ok: false, error: "slot_taken" };
  if (appointment.reschedule !== null) return { ok: false, error: "not_changeable" };
  const target = appointment.appointmentId;
  const taken = await db.transaction(async (tx) => {
    // One change of an appointment under way at a time: the unique index would refuse the update, so look first.
    const [busy] = rowsOf(await tx.execute(sql`select 1 from bookings where appointment_id = ${target} and action in ('move', 'cancel') and state = 'confirming'`));
    if (busy) return false;
    const [moved] = rowsOf<{ id: string }>(
      await tx.execute(sql`
        update bookings set action = 'move', state = 'confirming', actor_person_id = ${actor.actorPersonId}, expires_at = null, updated_at = now()
         where id = ${offer.bookingId} and state = 'offered' and expires_at > ${now.toISOString()}::timestamptz
         returning id`),
    );
    if (!moved) return false;
    const outboxId = await enqueue(tx, appointmentRows.reschedule(actor.subjectPersonId, { appointmentId: target, slotId: offer.time.slotId, start: offer.time.startsAt }));
    await tx.execute(sql`update bookings set outbox_id = ${outboxId} where id = ${moved.id}`);
    await tx.execute(sql`update earlier_time_requests set ended_at = now() where appointment_id = ${target} and ended_at is null`);
    return true;
  });
  return taken ? { ok: true, id: target } : { ok: false, error: "not_changeable" };
}

/**
 * One pass over bookings, safe to run from any number of processes at once (each statement stands alone, and a hold
 * is an insert the database may refuse):
 * 1. offers that ran out are let go;
 * 2. times the clinical system has since cancelled, moved or removed are no longer held (what it says wins, once the
 *    read model holds the version that gave the hold or a later one: an older version polled late releases nothing);
 * 3. each wish, oldest first, whose appointment has no offer open, is offered the earliest free time of its type
 *    that starts before the appointment (and not sooner than OFFER_LEAD_MS), that it was not offered before.
 */
export async function bookingPass(db: Queryable, { now, offerMinutes = OFFER_MINUTES }: { now: Date; offerMinutes?: number }): Promise<{ expired: number; released: number; offered: number }> {
  const at = now.toISOString();
  const expired = rowsOf(
    await db.execute(sql`update bookings set state = 'released', updated_at = now() where state = 'offered' and expires_at <= ${at}::timestamptz returning id`),
  ).length;
  const released = rowsOf(
    await db.execute(sql`
      update bookings b set state = 'released', updated_at = now()
        from appointments a
       where a.id = b.appointment_id and a.person_id = b.person_id and b.state = 'confirmed' and b.slot_id is not null and ${answerSeen}
         and (a.deleted_at is not null or a.status in ('cancelled', 'noshow', 'entered-in-error') or not a.slot_ids @> jsonb_build_array(b.slot_id))
      returning b.id`),
  ).length;
  const line = rowsOf<{ person_id: string; actor_person_id: string; appointment_id: string; appointment_type_id: string }>(
    await db.execute(sql`
      select r.person_id, r.actor_person_id, r.appointment_id, r.appointment_type_id from earlier_time_requests r
       where r.ended_at is null
         and not exists (select 1 from bookings b where b.appointment_id = r.appointment_id and b.action = 'offer' and b.state = 'offered')
       order by r.created_at, r.id
       limit ${LINE_PER_PASS}`),
  );
  let offered = 0;
  for (const wish of line) {
    const appointment = await findAppointment(db, { subjectId: wish.person_id, id: wish.appointment_id, now });
    if (!appointment || appointment.reschedule !== null) {
      // Cancelled, moved, begun or past its deadline: the wish has ended.
      await db.execute(sql`update earlier_time_requests set ended_at = now() where appointment_id = ${wish.appointment_id} and ended_at is null`);
      continue;
    }
    const candidates = await nextFreeTimes(db, { subjectId: wish.person_id, typeId: wish.appointment_type_id, now: new Date(now.getTime() + OFFER_LEAD_MS), limit: 20, moving: wish.appointment_id });
    for (const time of candidates.filter((t) => t.startsAt < appointment.startsAt)) {
      const [made] = rowsOf<{ id: string }>(
        await db.execute(sql`
          insert into bookings (person_id, actor_person_id, action, appointment_id, slot_id, appointment_type_id, starts_at, ends_at, state, expires_at)
          select ${wish.person_id}, ${wish.actor_person_id}, 'offer', ${wish.appointment_id}, ${time.slotId}, ${wish.appointment_type_id},
                 ${time.startsAt}::timestamptz, ${time.endsAt}::timestamptz, 'offered', ${at}::timestamptz + ${offerMinutes} * interval '1 minute'
           where not exists (select 1 from bookings o where o.appointment_id = ${wish.appointment_id} and o.action in ('offer', 'move') and o.slot_id = ${time.slotId})
          on conflict do nothing
          returning id`),
      );
      if (made) {
        offered += 1;
        break;
      }
    }
  }
  return { expired, released, offered };
}
