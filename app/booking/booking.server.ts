import { sql } from "drizzle-orm";
import type { Queryable } from "../../db/connection";
import { runNamed } from "../../db/statements";
import { HELD_STATES } from "../../db/schema";
import { providerKindOf, type ProviderKind } from "../../db/schema/vocabulary";
import { enqueue } from "~/clinical/outbox/outbox.server";
import { appointmentRows } from "~/clinical/writes/appointments.server";
import { toIso } from "~/i18n/dates";
import { unitsInCareOf } from "~/record/care-relationship.server";
import { findAppointment } from "./appointments.server";

/**
 * Booking, moving and cancelling, for the subject `requireAccess(request, "book")` allowed. Each action is a row in
 * `bookings` and an outbox row, in one transaction; the relay takes it to the clinical system, and `settled.server.ts`
 * records the answer. A time is held by inserting its row: the database's unique index and exclusion constraint refuse
 * a second hold of a slot, or an overlapping one of the same person, whatever number of portal processes ask at once.
 */

export interface BookingUnit {
  id: string;
  name: string;
  providerKind: ProviderKind;
  address: string | null;
  city: string | null;
  /** The subject is in the unit's care (listed there, or seen there), or the unit offers times anyone may book. */
  inCare: boolean;
}

export interface BookableType {
  id: string;
  name: string;
  preparation: string | null;
  deadlineHours: number | null;
  unit: BookingUnit;
}

export interface FreeTime {
  slotId: string;
  startsAt: string;
  endsAt: string;
  practitionerName: string | null;
}

/** Why an action was not taken: each has a message next to the field, and none changes anything. */
export type BookingError =
  /** No such free time of a type the subject may book online (unknown, another unit's, not bookable online). */
  | "slot_unknown"
  /** The time was free but someone holds it now. */
  | "slot_taken"
  /** The time has begun or passed. */
  | "slot_past"
  /** The subject holds another time that overlaps it. */
  | "overlap"
  /** No such appointment of the subject. */
  | "appointment_unknown"
  /** It cannot be changed online (deadline passed, begun, not allowed by the clinical system, a change under way). */
  | "not_changeable";

/** A row of `bookings` (alias `h`) that holds its slot: the predicate of the unique index and exclusion constraint. */
const held = sql.raw(`h.slot_id is not null and h.state in (${HELD_STATES.map((x) => `'${x}'`).join(", ")})`);

export type BookingOutcome = { ok: true; id: string } | { ok: false; error: BookingError };

/** Who acts and for whom (from requireAccess): the subject's appointment, the actor in the row. */
export interface Actor {
  subjectPersonId: string;
  actorPersonId: string;
}

interface UnitRow {
  id: string;
  name: string;
  provider_kind: string | null;
  address: string | null;
  city: string | null;
  in_care: boolean;
}

interface TypeRow extends UnitRow {
  type_id: string;
  type_name: string;
  preparation: string | null;
  deadline_hours: number | null;
}

/** The bookable types the subject may choose from: open to anyone, or of a unit whose care they are in. */
async function bookableTypeRows(db: Queryable, subjectId: string, now: Date, where = sql`true`): Promise<TypeRow[]> {
  const inCare = await unitsInCareOf(db, subjectId, now);
  return runNamed<TypeRow>(
    db,
    sql`
    select u.id, u.name, u.provider_kind, u.address, u.city, u.id in ${inCare} as in_care,
           t.id as type_id, t.name as type_name, t.preparation, t.cancellation_deadline_hours as deadline_hours
      from appointment_types t
      join care_units u on u.id = t.care_unit_id and u.deleted_at is null
     where t.bookable_online and t.active and t.deleted_at is null
       and (t.open_booking or u.id in ${inCare})
       and ${where}
     order by u.name, u.id, t.name, t.id`,
  );
}

const unitOf = (r: UnitRow): BookingUnit => ({
  id: r.id,
  name: r.name,
  providerKind: providerKindOf(r.provider_kind),
  address: r.address,
  city: r.city,
  inCare: r.in_care,
});

const typeOf = (r: TypeRow): BookableType => ({ id: r.type_id, name: r.type_name, preparation: r.preparation, deadlineHours: r.deadline_hours, unit: unitOf(r) });

/** The units the subject can book a time at: those whose care they are in first, then those open to anyone. */
export async function bookingUnits(db: Queryable, { subjectId, now }: { subjectId: string; now: Date }): Promise<BookingUnit[]> {
  const units = new Map<string, BookingUnit>();
  for (const row of await bookableTypeRows(db, subjectId, now)) units.set(row.id, unitOf(row));
  return [...units.values()].sort((a, b) => Number(b.inCare) - Number(a.inCare));
}

/** The types the subject can book at a unit (none: not a unit they can book at). */
export async function bookableTypes(db: Queryable, { subjectId, unitId, now }: { subjectId: string; unitId: string; now: Date }): Promise<BookableType[]> {
  return (await bookableTypeRows(db, subjectId, now, sql`u.id = ${unitId}`)).map(typeOf);
}

/** One type the subject can book, or null. */
export async function bookableType(db: Queryable, { subjectId, typeId, now }: { subjectId: string; typeId: string; now: Date }): Promise<BookableType | null> {
  const [row] = await bookableTypeRows(db, subjectId, now, sql`t.id = ${typeId}`);
  return row ? typeOf(row) : null;
}

interface SlotRow {
  slot_id: string;
  starts_at: Date | string;
  ends_at: Date | string;
  practitioner_name: string | null;
  type_id: string;
}

interface FreeSlotQuery {
  subjectId: string;
  typeId: string;
  from: Date;
  to: Date;
  now: Date;
  /** Only this slot. */
  slotId?: string;
  /** The appointment being moved: its own time does not stand in the way of the new one. */
  moving?: string;
}

/**
 * Free times of a type: slots of its schedules that the read model has as free, that start after `now` within
 * [from, to), that nobody holds, and that do not overlap a time the subject holds or has booked.
 */
function freeSlotRows(db: Queryable, { subjectId, typeId, from, to, now, slotId, moving }: FreeSlotQuery) {
  const other = moving ?? "";
  const start = new Date(Math.max(from.getTime(), now.getTime())).toISOString();
  return runNamed<SlotRow>(
    db,
    sql`
    select s.id as slot_id, s.starts_at, s.ends_at, pr.name as practitioner_name, ${typeId} as type_id
      from schedules sch
      join slots s on s.schedule_id = sch.id
      left join practitioners pr on pr.id = sch.practitioner_id and pr.deleted_at is null
     where (sch.service_id = ${typeId} or sch.appointment_type_ids @> jsonb_build_array(${typeId}::text))
       and sch.active and sch.deleted_at is null
       and s.status = 'free' and s.deleted_at is null
       and s.starts_at > ${start}::timestamptz and s.starts_at >= ${from.toISOString()}::timestamptz and s.starts_at < ${to.toISOString()}::timestamptz
       ${slotId === undefined ? sql`` : sql`and s.id = ${slotId}`}
       and not exists (select 1 from bookings h where h.slot_id = s.id and ${held})
       and not exists (select 1 from bookings h where h.person_id = ${subjectId} and ${held} and h.starts_at < s.ends_at and h.ends_at > s.starts_at
                          and coalesce(h.appointment_id, h.id::text) <> ${other})
       and not exists (select 1 from appointments a where a.person_id = ${subjectId} and a.deleted_at is null and a.id <> ${other}
                          and a.status in ('proposed', 'pending', 'booked', 'arrived', 'checked-in')
                          and a.starts_at < s.ends_at and a.ends_at > s.starts_at)
     order by s.starts_at, s.id
     limit 500`,
  );
}

const freeTimeOf = (r: SlotRow): FreeTime => ({ slotId: r.slot_id, startsAt: toIso(r.starts_at) as string, endsAt: toIso(r.ends_at) as string, practitionerName: r.practitioner_name });

/** The free times of a type the subject may book, from `from` to `to` (a week of the booking page). */
export async function freeTimes(db: Queryable, args: Omit<FreeSlotQuery, "slotId">): Promise<FreeTime[]> {
  return (await freeSlotRows(db, args)).map(freeTimeOf);
}

/** The next free times of a type after `now` (after a refusal: other times to choose from). */
export async function nextFreeTimes(
  db: Queryable,
  args: { subjectId: string; typeId: string; now: Date; limit: number; moving?: string },
): Promise<FreeTime[]> {
  const rows = await freeSlotRows(db, { ...args, from: args.now, to: new Date(args.now.getTime() + 8 * 7 * 24 * 3600_000) });
  return rows.slice(0, args.limit).map(freeTimeOf);
}

/** A free time of a type the subject may book, with its type: what the confirmation page repeats. */
export async function timeToBook(
  db: Queryable,
  { subjectId, slotId, now, moving }: { subjectId: string; slotId: string; now: Date; moving?: string },
): Promise<{ time: FreeTime; type: BookableType } | { error: BookingError }> {
  const [slot] = await runNamed<{ starts_at: Date | string; service_id: string | null; type_ids: string[] | string }>(
    db,
    sql`select s.starts_at, sch.service_id, sch.appointment_type_ids as type_ids
          from slots s join schedules sch on sch.id = s.schedule_id and sch.deleted_at is null
         where s.id = ${slotId} and s.deleted_at is null`,
  );
  if (!slot) return { error: "slot_unknown" };
  const typeIds = [slot.service_id, ...(typeof slot.type_ids === "string" ? (JSON.parse(slot.type_ids) as string[]) : slot.type_ids)].filter((t): t is string => !!t);
  for (const typeId of new Set(typeIds)) {
    const type = await bookableType(db, { subjectId, typeId, now });
    if (!type) continue;
    if (new Date(slot.starts_at).getTime() <= now.getTime()) return { error: "slot_past" };
    const [row] = await freeSlotRows(db, { subjectId, typeId, from: now, to: new Date(now.getTime() + 366 * 24 * 3600_000), now, slotId, moving });
    return row ? { time: freeTimeOf(row), type } : { error: await whyNotFree(db, subjectId, slotId) };
  }
  return { error: "slot_unknown" };
}

/** A bookable slot that is not free to the subject: held by someone, or overlapping the subject's own times. */
async function whyNotFree(db: Queryable, subjectId: string, slotId: string): Promise<BookingError> {
  const [row] = await runNamed<{ taken: boolean }>(
    db,
    sql`select s.status <> 'free' or exists (select 1 from bookings h where h.slot_id = s.id and ${held} and h.person_id <> ${subjectId}) as taken
          from slots s where s.id = ${slotId}`,
  );
  return row?.taken === false ? "overlap" : "slot_taken";
}

/**
 * Holds a slot for the subject: inserts the action's row, or nothing when the database refuses (the slot is held, or
 * the subject holds an overlapping time). ON CONFLICT DO NOTHING without a target covers both the unique index and
 * the exclusion constraint, and lets concurrent inserts wait for each other instead of failing.
 */
async function hold(
  tx: Queryable,
  actor: Actor,
  row: { action: "book" | "move"; appointmentId: string | null; time: FreeTime; typeId: string; reasonText: string | null },
): Promise<string | null> {
  const [inserted] = await runNamed<{ id: string }>(
    tx,
    sql`insert into bookings (person_id, actor_person_id, action, appointment_id, slot_id, appointment_type_id, starts_at, ends_at, reason_text)
        values (${actor.subjectPersonId}, ${actor.actorPersonId}, ${row.action}, ${row.appointmentId}, ${row.time.slotId}, ${row.typeId},
                ${row.time.startsAt}::timestamptz, ${row.time.endsAt}::timestamptz, ${row.reasonText})
        on conflict do nothing
        returning id`,
  );
  return inserted?.id ?? null;
}

async function attachOutbox(tx: Queryable, bookingId: string, outboxId: number): Promise<void> {
  await tx.execute(sql`update bookings set outbox_id = ${outboxId} where id = ${bookingId}`);
}

/** The subject's own hold of a slot by a booking still standing (a double submit finds the first). */
async function ownBooking(db: Queryable, subjectId: string, slotId: string): Promise<string | null> {
  const [row] = await runNamed<{ id: string }>(
    db,
    sql`select id from bookings where slot_id = ${slotId} and person_id = ${subjectId} and action = 'book' and state in ('confirming', 'confirmed')`,
  );
  return row?.id ?? null;
}

/** Books a free time for the subject: held at once ("being confirmed"), sent to the clinical system by the relay. */
export async function book(db: Queryable, actor: Actor, { slotId, reasonText, now }: { slotId: string; reasonText?: string | null; now: Date }): Promise<BookingOutcome> {
  const chosen = await timeToBook(db, { subjectId: actor.subjectPersonId, slotId, now });
  if ("error" in chosen) {
    const mine = chosen.error === "slot_taken" || chosen.error === "overlap" ? await ownBooking(db, actor.subjectPersonId, slotId) : null;
    return mine ? { ok: true, id: mine } : { ok: false, error: chosen.error };
  }
  const { time, type } = chosen;
  const reason = reasonText?.trim() || null;
  const id = await db.transaction(async (tx) => {
    const held = await hold(tx, actor, { action: "book", appointmentId: null, time, typeId: type.id, reasonText: reason });
    if (!held) return null;
    const outboxId = await enqueue(tx, appointmentRows.book({ patientId: actor.subjectPersonId, slotId, start: time.startsAt, ...(reason ? { reasonText: reason } : {}) }));
    await attachOutbox(tx, held, outboxId);
    return held;
  });
  if (id) return { ok: true, id };
  const mine = await ownBooking(db, actor.subjectPersonId, slotId);
  return mine ? { ok: true, id: mine } : { ok: false, error: await whyNotFree(db, actor.subjectPersonId, slotId) };
}

/**
 * Moves an appointment to another free time of its type. The new time is held before anything is sent, and the
 * clinical system swaps the slot in one PATCH: the citizen is never left without a time. The old time is released
 * when the clinical system has accepted the move.
 */
export async function move(db: Queryable, actor: Actor, { appointmentId, slotId, now }: { appointmentId: string; slotId: string; now: Date }): Promise<BookingOutcome> {
  const appointment = await findAppointment(db, { subjectId: actor.subjectPersonId, id: appointmentId, now });
  if (!appointment?.appointmentId) return { ok: false, error: "appointment_unknown" };
  if (appointment.reschedule !== null || !appointment.appointmentTypeId) return { ok: false, error: "not_changeable" };
  const chosen = await timeToBook(db, { subjectId: actor.subjectPersonId, slotId, now, moving: appointment.appointmentId });
  if ("error" in chosen) return { ok: false, error: chosen.error };
  if (chosen.type.id !== appointment.appointmentTypeId) return { ok: false, error: "slot_unknown" };
  return moveTo(db, actor, appointment.appointmentId, chosen.time, chosen.type.id);
}

async function moveTo(db: Queryable, actor: Actor, appointmentId: string, time: FreeTime, typeId: string): Promise<BookingOutcome> {
  const id = await db.transaction(async (tx) => {
    // One change of an appointment at a time (bookings_one_change_idx): a second submit finds the first under way.
    const held = await hold(tx, actor, { action: "move", appointmentId, time, typeId, reasonText: null });
    if (!held) return null;
    const outboxId = await enqueue(tx, appointmentRows.reschedule(actor.subjectPersonId, { appointmentId, slotId: time.slotId, start: time.startsAt }));
    await attachOutbox(tx, held, outboxId);
    return held;
  });
  if (id) return { ok: true, id: appointmentId };
  return { ok: false, error: await changeUnderWay(db, appointmentId) ? "not_changeable" : await whyNotFree(db, actor.subjectPersonId, time.slotId) };
}

async function changeUnderWay(db: Queryable, appointmentId: string): Promise<boolean> {
  const [row] = await runNamed<{ id: string }>(
    db,
    sql`select id from bookings where appointment_id = ${appointmentId} and action in ('move', 'cancel') and state = 'confirming'`,
  );
  return row !== undefined;
}

/** Cancels an appointment, with the citizen's reason if they gave one. */
export async function cancel(
  db: Queryable,
  actor: Actor,
  { appointmentId, reasonText, now }: { appointmentId: string; reasonText?: string | null; now: Date },
): Promise<BookingOutcome> {
  const appointment = await findAppointment(db, { subjectId: actor.subjectPersonId, id: appointmentId, now });
  if (!appointment?.appointmentId) return { ok: false, error: "appointment_unknown" };
  if (appointment.status === "cancelling" || appointment.status === "cancelled") return { ok: true, id: appointment.appointmentId };
  if (appointment.cancel !== null) return { ok: false, error: "not_changeable" };
  const reason = reasonText?.trim() || null;
  const target = appointment.appointmentId;
  const done = await db.transaction(async (tx) => {
    const [row] = await runNamed<{ id: string }>(
      tx,
      sql`insert into bookings (person_id, actor_person_id, action, appointment_id, reason_text)
          values (${actor.subjectPersonId}, ${actor.actorPersonId}, 'cancel', ${target}, ${reason})
          on conflict do nothing returning id`,
    );
    if (!row) return false;
    const outboxId = await enqueue(tx, appointmentRows.cancel(actor.subjectPersonId, { appointmentId: target, ...(reason ? { reasonText: reason } : {}) }));
    await attachOutbox(tx, row.id, outboxId);
    return true;
  });
  return done ? { ok: true, id: target } : { ok: false, error: "not_changeable" };
}
