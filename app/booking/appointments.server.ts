import { sql } from "drizzle-orm";
import type { Queryable } from "../../db/connection";
import { runNamed } from "../../db/statements";
import { providerKindOf, type ProviderKind } from "../../db/schema/vocabulary";
import type { BookingAction, BookingState } from "../../db/schema";
import { IS_CANCELABLE_URL, IS_RESCHEDULABLE_URL } from "~/clinical/millennium";
import { toIso } from "~/i18n/dates";
import { changeOptions, type ChangeRefusal } from "./rules";

/**
 * The subject's appointments as the citizen sees them: what the clinical system has (the read model, fed by the feed
 * and the poller) with the citizen's own actions on top (bookings, moves and cancellations on their way to the
 * clinical system, or refused by it). The clinical system wins: an accepted action shows only until the read model
 * holds the version the clinical system answered it with (`answerSeen`); a refusal, until a newer version arrives.
 */

/** What the overview lists: the next appointments, as the appointments page shows them. */
export interface UpcomingAppointment {
  id: string;
  ref: string;
  startsAt: string;
  status: AppointmentStatus;
  what: string | null;
  careUnitName: string | null;
  providerKind: ProviderKind;
}

/** The subject's next appointments from `now`, soonest first (at most `limit`), and how many there are in all. */
export async function upcomingAppointments(
  db: Queryable,
  { subjectId, now, limit }: { subjectId: string; now: Date; limit: number },
): Promise<{ appointments: UpcomingAppointment[]; total: number }> {
  const { upcoming } = await listAppointments(db, { subjectId, now });
  const active = upcoming.filter((a) => a.status !== "cancelled" && a.status !== "not_booked");
  return {
    appointments: active.slice(0, limit).map((a) => ({
      id: a.id,
      ref: appointmentRef(a),
      startsAt: a.startsAt,
      status: a.status,
      what: a.typeName,
      careUnitName: a.unit?.name ?? null,
      providerKind: a.unit?.providerKind ?? "unknown",
    })),
    total: active.length,
  };
}

/** How the access log names an appointment: the clinical system's Appointment, or the booking on its way. */
export function appointmentRef(a: Pick<AppointmentView, "id" | "appointmentId">): string {
  return a.appointmentId ? `Appointment/${a.appointmentId}` : `Booking/${a.id}`;
}

/**
 * An appointment's type: the HealthcareService it names, else the one of its slot's schedule (Millennium's own
 * Appointments name only the patient and the slot). Joins `t` (appointment_types) and `sch` (schedules) to `a`.
 */
const typeOfAppointment = sql`
      left join slots sl on sl.id = a.slot_ids->>0 and sl.deleted_at is null
      left join schedules sch on sch.id = sl.schedule_id and sch.deleted_at is null
      left join appointment_types t on t.id = coalesce(a.appointment_type_id, sch.service_id)`;

/** How the citizen sees an appointment's state. */
export type AppointmentStatus =
  /** A booking on its way to the clinical system. */
  | "confirming"
  /** The clinical system refused the booking (see `refusal`). */
  | "not_booked"
  | "booked"
  | "moving"
  | "cancelling"
  | "cancelled"
  | "arrived"
  | "fulfilled"
  | "noshow";

export interface AppointmentUnit {
  id: string;
  name: string;
  providerKind: ProviderKind;
  address: string | null;
  city: string | null;
  phone: string | null;
}

export interface AppointmentView {
  /** In the page's address: the clinical system's Appointment id, or the booking's while the clinical system has none. */
  id: string;
  /** The clinical system's Appointment, once it has one. */
  appointmentId: string | null;
  startsAt: string;
  endsAt: string | null;
  status: AppointmentStatus;
  /** Why a booking, move or cancellation was refused: the time was taken, or another refusal. */
  refusal: "taken" | "refused" | null;
  /** The citizen's latest move or cancellation was refused (the appointment stands as it was). */
  changeRefused: "move" | "cancel" | null;
  /** A move on its way: the time asked for. */
  movingTo: { startsAt: string; endsAt: string } | null;
  appointmentTypeId: string | null;
  typeName: string | null;
  preparation: string | null;
  unit: AppointmentUnit | null;
  practitionerName: string | null;
  /** Until when it can be changed online (null: unknown), and whether it can be cancelled or moved now. */
  changeableUntil: string | null;
  cancel: ChangeRefusal | null;
  reschedule: ChangeRefusal | null;
  /** The clinical system's version: rises with every change (the calendar file's SEQUENCE). */
  version: number;
}

/** What both queries read of an appointment's type, unit and practitioner. */
interface Described {
  type_id: string | null;
  type_name: string | null;
  preparation: string | null;
  deadline_hours: number | null;
  unit_id: string | null;
  unit_name: string | null;
  provider_kind: string | null;
  address: string | null;
  city: string | null;
  phone: string | null;
  practitioner_name: string | null;
}

interface AppointmentRow extends Described {
  id: string;
  status: string;
  starts_at: Date | string | null;
  ends_at: Date | string | null;
  version_id: number | string | null;
  received_at: Date | string;
  description: string | null;
  cancelable: boolean | null;
  reschedulable: boolean | null;
  slot_id: string | null;
}

interface BookingRow extends Described {
  id: string;
  action: BookingAction;
  appointment_id: string | null;
  slot_id: string | null;
  starts_at: Date | string | null;
  ends_at: Date | string | null;
  state: BookingState;
  refusal: string | null;
  version_id: number | string | null;
  /**
   * The read model has the appointment (or its tombstone), or, for a booking the clinical system's answer did not name
   * (on its way, or failed after an answer was lost), an appointment of the person on its time: it tells it, not the
   * booking.
   */
  in_read_model: boolean;
  /** The read model holds the version the action's answer made (`answerSeen`). */
  answer_seen: boolean;
  created_at: Date | string;
  updated_at: Date | string;
}

/** How far back the list shows past appointments. */
const PAST_SHOWN_DAYS = 730;

const unitColumns = sql`u.id as unit_id, u.name as unit_name, u.provider_kind, u.address, u.city,
       coalesce(u.phone, (select p.phone from care_units p where p.id = u.provider_id)) as phone`;

function appointmentRows(db: Queryable, subjectId: string, where: ReturnType<typeof sql>) {
  return runNamed<AppointmentRow>(
    db,
    sql`
    select a.id, a.status, a.starts_at, a.ends_at, a.version_id, a.received_at, a.description,
           (select (e->>'valueBoolean')::boolean from json_array_elements(coalesce(a.raw->'extension', '[]'::json)) e
             where e->>'url' = ${IS_CANCELABLE_URL} limit 1) as cancelable,
           (select (e->>'valueBoolean')::boolean from json_array_elements(coalesce(a.raw->'extension', '[]'::json)) e
             where e->>'url' = ${IS_RESCHEDULABLE_URL} limit 1) as reschedulable,
           a.slot_ids->>0 as slot_id, t.id as type_id, t.name as type_name, t.preparation,
           t.cancellation_deadline_hours as deadline_hours, ${unitColumns},
           coalesce(pr.name, spr.name) as practitioner_name
      from appointments a
      ${typeOfAppointment}
      left join care_units u on u.id = coalesce(a.care_unit_id, t.care_unit_id, sch.care_unit_id) and u.deleted_at is null
      left join practitioners pr on pr.id = a.practitioner_id and pr.deleted_at is null
      left join practitioners spr on spr.id = sch.practitioner_id and spr.deleted_at is null
     where a.person_id = ${subjectId} and a.deleted_at is null and a.starts_at is not null and ${where}`,
  );
}

/**
 * Whether the read model has caught up with an accepted action of the clinical system (joined as `b`, bookings, and
 * `a`, appointments): it holds the version the clinical system answered with, or a later one. Versions, not arrival:
 * a poll fetched just before a move and stored just after its answer is older, and does not undo the move. Without a
 * version on either side, nothing says the action is newer, and the read model wins.
 */
export const answerSeen = sql`(a.version_id is null or b.version_id is null or a.version_id >= b.version_id)`;

function bookingRows(db: Queryable, subjectId: string, where: ReturnType<typeof sql>) {
  return runNamed<BookingRow>(
    db,
    sql`
    select b.id, b.action, b.appointment_id, b.slot_id, b.starts_at, b.ends_at, b.state, b.refusal, b.version_id,
           a.id is not null or (b.action = 'book' and b.appointment_id is null and exists (
             select 1 from appointments s
              where s.person_id = b.person_id and s.deleted_at is null and s.slot_ids @> jsonb_build_array(b.slot_id)
                and s.status not in ('cancelled', 'noshow', 'entered-in-error'))) as in_read_model,
           coalesce(a.id is not null and ${answerSeen}, false) as answer_seen, b.created_at, b.updated_at,
           t.id as type_id, t.name as type_name, t.preparation, t.cancellation_deadline_hours as deadline_hours,
           ${unitColumns}, spr.name as practitioner_name
      from bookings b
      left join appointments a on a.id = b.appointment_id and a.person_id = b.person_id
      left join slots sl on sl.id = b.slot_id
      left join schedules sch on sch.id = sl.schedule_id and sch.deleted_at is null
      left join appointment_types t on t.id = b.appointment_type_id
      left join care_units u on u.id = coalesce(t.care_unit_id, sch.care_unit_id) and u.deleted_at is null
      left join practitioners spr on spr.id = sch.practitioner_id and spr.deleted_at is null
     where b.person_id = ${subjectId} and ${where}
     order by b.created_at`,
  );
}

const instant = (value: Date | string | null) => toIso(value);

function unitOf(r: AppointmentRow | BookingRow): AppointmentUnit | null {
  if (!r.unit_id || !r.unit_name) return null;
  return { id: r.unit_id, name: r.unit_name, providerKind: providerKindOf(r.provider_kind), address: r.address, city: r.city, phone: r.phone };
}

const FHIR_STATUS: Record<string, AppointmentStatus> = {
  proposed: "booked",
  pending: "booked",
  booked: "booked",
  waitlist: "booked",
  arrived: "arrived",
  "checked-in": "arrived",
  fulfilled: "fulfilled",
  cancelled: "cancelled",
  noshow: "noshow",
};

/** What the clinical system last said of an appointment (or, until the read model has it, the booking made). */
interface Known {
  view: AppointmentView;
  /** When it arrived: a refusal answered after it is told. */
  receivedAt: number;
  deadlineHours: number | null;
  flags: { cancelable: boolean; reschedulable: boolean };
}

const ms = (value: Date | string) => Date.parse(toIso(value) ?? "");

function baseView(r: AppointmentRow | BookingRow, fields: Pick<AppointmentView, "id" | "appointmentId" | "startsAt" | "endsAt" | "status" | "typeName" | "version">): AppointmentView {
  return {
    ...fields,
    refusal: null,
    changeRefused: null,
    movingTo: null,
    appointmentTypeId: r.type_id,
    preparation: r.preparation,
    unit: unitOf(r),
    practitionerName: r.practitioner_name,
    changeableUntil: null,
    cancel: null,
    reschedule: null,
  };
}

function fromReadModel(row: AppointmentRow): Known | null {
  const status = FHIR_STATUS[row.status];
  if (!status || !row.starts_at) return null;
  const view = baseView(row, {
    id: row.id,
    appointmentId: row.id,
    startsAt: instant(row.starts_at) as string,
    endsAt: instant(row.ends_at),
    status,
    typeName: row.type_name ?? row.description,
    version: Number(row.version_id ?? 0),
  });
  return { view, receivedAt: ms(row.received_at), deadlineHours: row.deadline_hours, flags: { cancelable: row.cancelable !== false, reschedulable: row.reschedulable !== false } };
}

/** A booking the read model does not have yet: on its way, made (then moves and cancellations apply), or refused. */
function fromBooking(b: BookingRow): Known {
  // Released: moved away from its first time, or cancelled; the moves and cancellations themselves tell which.
  const status: AppointmentStatus = b.state === "confirming" ? "confirming" : b.state === "refused" ? "not_booked" : "booked";
  const view = baseView(b, { id: b.appointment_id ?? b.id, appointmentId: b.appointment_id, startsAt: instant(b.starts_at) as string, endsAt: instant(b.ends_at), status, typeName: b.type_name, version: Number(b.version_id ?? 0) });
  if (b.state === "refused") view.refusal = b.refusal === "taken" ? "taken" : "refused";
  // Made but not yet read back: the clinical system's is-cancelable flags are not known yet.
  return { view, receivedAt: -Infinity, deadlineHours: b.deadline_hours, flags: { cancelable: true, reschedulable: true } };
}

/**
 * The appointment as the citizen sees it: what the clinical system said, with the citizen's moves and cancellations
 * it accepted that the read model has not caught up with, the last refusal since the read model last changed, and the
 * change under way, if any.
 */
function withActions({ view, receivedAt, deadlineHours, flags }: Known, actions: readonly BookingRow[], now: Date): AppointmentView {
  const changes = actions.filter((b) => b.action === "move" || b.action === "cancel");
  const underWay = changes.find((b) => b.state === "confirming");
  // A move accepted stays the appointment's time until another is (its hold is released by a later move or a cancel).
  const accepted = changes.filter((b) => (b.state === "confirmed" || b.state === "released") && !b.answer_seen);
  const moved = accepted.filter((b) => b.action === "move").at(-1);
  const last = changes.filter((b) => b.state !== "confirming").at(-1);
  const shown = { ...view };
  if (moved) {
    shown.startsAt = instant(moved.starts_at) as string;
    shown.endsAt = instant(moved.ends_at);
  }
  if (accepted.some((b) => b.action === "cancel")) shown.status = "cancelled";
  // The calendar file's SEQUENCE: the newest version the clinical system has spoken of.
  shown.version = Math.max(shown.version, ...accepted.map((b) => Number(b.version_id ?? 0)));
  if (last?.state === "refused" && ms(last.updated_at) > receivedAt) shown.changeRefused = last.action as "move" | "cancel";
  if (underWay) {
    shown.status = underWay.action === "move" ? "moving" : "cancelling";
    if (underWay.action === "move") shown.movingTo = { startsAt: instant(underWay.starts_at) as string, endsAt: instant(underWay.ends_at) as string };
  }
  const options = changeOptions({ now, startsAt: new Date(shown.startsAt), active: shown.status === "booked" && shown.appointmentId !== null, deadlineHours, ...flags });
  return { ...shown, changeableUntil: options.deadline?.toISOString() ?? null, cancel: options.cancel, reschedule: options.reschedule };
}

/** The read model's appointments and the bookings it does not have yet, each with the citizen's actions on it. */
function merge(rows: readonly AppointmentRow[], actions: readonly BookingRow[], now: Date): AppointmentView[] {
  const byAppointment = new Map<string, BookingRow[]>();
  for (const b of actions) if (b.appointment_id) byAppointment.set(b.appointment_id, [...(byAppointment.get(b.appointment_id) ?? []), b]);
  const fromClinicalSystem = rows.flatMap((r) => {
    const k = fromReadModel(r);
    return k ? [withActions(k, byAppointment.get(r.id) ?? [], now)] : [];
  });
  const bookingsOnly = actions
    .filter((b) => b.action === "book" && !b.in_read_model)
    .map((b) => withActions(fromBooking(b), b.appointment_id ? (byAppointment.get(b.appointment_id) ?? []) : [], now));
  return [...fromClinicalSystem, ...bookingsOnly];
}

/** The subject's appointments: those to come (soonest first) and those of the last two years (latest first). */
export async function listAppointments(
  db: Queryable,
  { subjectId, now }: { subjectId: string; now: Date },
): Promise<{ upcoming: AppointmentView[]; past: AppointmentView[] }> {
  const since = new Date(now.getTime() - PAST_SHOWN_DAYS * 24 * 3600_000).toISOString();
  const [rows, actions] = await Promise.all([
    appointmentRows(db, subjectId, sql`a.starts_at >= ${since}::timestamptz`),
    bookingRows(db, subjectId, sql`(b.starts_at is null or b.starts_at >= ${since}::timestamptz)`),
  ]);
  const all = merge(rows, actions, now);
  const isUpcoming = (v: AppointmentView) => new Date(v.endsAt ?? v.startsAt).getTime() > now.getTime() && v.status !== "fulfilled" && v.status !== "noshow";
  const byStart = (a: AppointmentView, b: AppointmentView) => a.startsAt.localeCompare(b.startsAt) || a.id.localeCompare(b.id);
  // A refused booking is told among those to come, until its time has passed.
  const past = all.filter((v) => !isUpcoming(v) && v.status !== "not_booked");
  return { upcoming: all.filter(isUpcoming).sort(byStart), past: past.sort((a, b) => byStart(b, a)) };
}

/**
 * One appointment of the subject, by the id its page shows: the Appointment's, or the booking's (which, once the
 * clinical system has made it, finds the Appointment: its view's `id` then differs from the one asked for). Null when
 * the subject has none by that id.
 */
export async function findAppointment(db: Queryable, { subjectId, id, now }: { subjectId: string; id: string; now: Date }): Promise<AppointmentView | null> {
  const [made] = await runNamed<{ appointment_id: string }>(
    db,
    sql`select appointment_id from bookings where person_id = ${subjectId} and id::text = ${id} and appointment_id is not null`,
  );
  const key = made?.appointment_id ?? id;
  const [rows, actions] = await Promise.all([
    appointmentRows(db, subjectId, sql`a.id = ${key}`),
    bookingRows(db, subjectId, sql`(b.appointment_id = ${key} or b.id::text = ${key})`),
  ]);
  return merge(rows, actions, now).find((a) => a.id === key) ?? null;
}
