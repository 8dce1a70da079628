import { data, redirect } from "@remix-run/node";
import { database } from "../../db/connection";
import { logAccess } from "~/audit/access-log.server";
import { config } from "~/config.server";
import { translatorFor } from "~/i18n/i18next.server";
import { calendarFile } from "./calendar.server";
import { notFound, requireAccess, type Access } from "~/identity/access.server";
import { appointmentRef, findAppointment, listAppointments, type AppointmentView } from "./appointments.server";
import {
  book,
  bookableType,
  bookableTypes,
  bookingUnits,
  cancel,
  freeTimes,
  move,
  nextFreeTimes,
  timeToBook,
  type BookableType,
  type BookingError,
  type BookingOutcome,
  type FreeTime,
} from "./booking.server";
import { askForEarlierTime, declineOffer, earlierTimeStatus, stopAskingForEarlierTime, takeOffer } from "./earlier-times.server";
import { appointmentIntentSchema, bookSchema, fieldErrorsOf, formFields, moveSchema, slotQuerySchema, weekOf } from "./forms.server";
import { BOOKING_WEEKS, bookingWeek, groupByDay } from "./rules";

/**
 * What each booking page loads and does, for the thin route modules: authorize (requireAccess, "book"), query or act
 * for the subject on screen, log what was shown or done, and return plain data (or the redirect after a change).
 */

/** The statuses an appointment has a calendar file in (cancelled: the file that takes it out of the calendar). */
const CALENDAR_STATUSES: readonly string[] = ["booked", "moving", "cancelling", "cancelled", "arrived"];

/** How many other free times a refusal offers. */
const OTHER_TIMES = 5;
/** After these, the page offers other free times of the same type. */
const TIME_ERRORS: readonly BookingError[] = ["slot_taken", "slot_past", "overlap"];

const actor = (access: Access) => ({ subjectPersonId: access.subjectPersonId, actorPersonId: access.actorPersonId });
const slotRef = (slotId: string) => `Slot/${slotId}`;

/** A field's error as the components show it: a translation key. */
export interface FormError {
  key: string;
}
const bookingError = (error: BookingError | "subject_changed"): FormError => ({ key: `booking:errors.${error}` });

/** The list: the subject's upcoming and past appointments, each logged. */
export async function readAppointmentsPage(request: Request, now = new Date()) {
  const access = await requireAccess(request, "book", { now });
  const db = database();
  const { upcoming, past } = await listAppointments(db, { subjectId: access.subjectPersonId, now });
  await logAccess(db, access, "appointments", [...upcoming, ...past].map(appointmentRef));
  return { upcoming, past };
}

/**
 * One appointment. Its address names the booking until the clinical system has made the appointment; from then on
 * the appointment's own address is the page (a redirect), so a refresh after the confirmation shows what the
 * clinical system holds.
 */
export async function readAppointmentPage(request: Request, id: string | undefined, now = new Date()) {
  const access = await requireAccess(request, "book", { now });
  const db = database();
  const appointment = id ? await findAppointment(db, { subjectId: access.subjectPersonId, id, now }) : null;
  if (!appointment) throw notFound();
  if (appointment.id !== id) throw redirect(`/appointments/${encodeURIComponent(appointment.id)}`);
  const otherTimes =
    appointment.status === "not_booked" && appointment.appointmentTypeId
      ? await nextFreeTimes(db, { subjectId: access.subjectPersonId, typeId: appointment.appointmentTypeId, now, limit: OTHER_TIMES })
      : [];
  const earlier = appointment.appointmentId && appointment.reschedule === null ? await earlierTimeStatus(db, { subjectId: access.subjectPersonId, appointmentId: appointment.appointmentId, now }) : null;
  await logAccess(db, access, "appointments", [appointmentRef(appointment), ...(earlier?.offer ? [slotRef(earlier.offer.time.slotId)] : [])]);
  return { appointment, otherTimes, earlier };
}

/**
 * What the appointment's page posts: cancel it (with a reason), or ask for, stop asking for, take or decline an
 * earlier time. Afterwards, its page; an error changes nothing and is told by the form.
 */
export async function appointmentAction(request: Request, id: string | undefined, now = new Date()) {
  const access = await requireAccess(request, "book", { now });
  if (!id) throw notFound();
  const parsed = appointmentIntentSchema.safeParse(await formFields(request));
  if (!parsed.success) return data({ errors: fieldErrorsOf(parsed.error) }, { status: 400 });
  const db = database();
  const who = actor(access);
  const form = parsed.data;
  let outcome: BookingOutcome;
  if (form.intent === "cancel") outcome = await cancel(db, who, { appointmentId: id, reasonText: form.reason, now });
  else if (form.intent === "ask-earlier") outcome = await askForEarlierTime(db, who, { appointmentId: id, now });
  else if (form.intent === "take-offer") outcome = await takeOffer(db, who, { appointmentId: id, now });
  else {
    const appointment = await findAppointment(db, { subjectId: access.subjectPersonId, id, now });
    if (!appointment?.appointmentId) throw notFound();
    if (form.intent === "decline-offer") await declineOffer(db, who, { appointmentId: appointment.appointmentId });
    else await stopAskingForEarlierTime(db, who, { appointmentId: appointment.appointmentId });
    outcome = { ok: true, id: appointment.id };
  }
  if (!outcome.ok && outcome.error === "appointment_unknown") throw notFound();
  await logAccess(db, access, "booking", [`Appointment/${outcome.ok ? outcome.id : id}`]);
  if (outcome.ok) throw redirect(`/appointments/${encodeURIComponent(outcome.id)}`, 303);
  return data({ errors: { form: bookingError(outcome.error) } as Record<string, FormError> }, { status: 409 });
}

/** The units the subject can book at: those whose care they are in, then those open to everyone. */
export async function readUnitsPage(request: Request, now = new Date()) {
  const access = await requireAccess(request, "book", { now });
  const db = database();
  const units = await bookingUnits(db, { subjectId: access.subjectPersonId, now });
  await logAccess(db, access, "booking");
  return { inCare: units.filter((u) => u.inCare), open: units.filter((u) => !u.inCare) };
}

/** The types the subject can book at a unit; none: not a unit they can book at (404). */
export async function readTypesPage(request: Request, unitId: string | undefined, now = new Date()) {
  const access = await requireAccess(request, "book", { now });
  const db = database();
  const types = unitId ? await bookableTypes(db, { subjectId: access.subjectPersonId, unitId, now }) : [];
  const unit = types[0]?.unit;
  if (!unit) throw notFound();
  await logAccess(db, access, "booking");
  return { unit, types: types.map(({ unit: _unit, ...type }) => type) };
}

/** Free times to choose from, a week at a time, by Swedish day. */
async function weekOfTimes(request: Request, access: Access, typeId: string, now: Date, moving?: string) {
  const index = weekOf(new URL(request.url).searchParams);
  const week = index === null ? null : bookingWeek(now, index);
  if (!week) throw notFound();
  const times = await freeTimes(database(), { subjectId: access.subjectPersonId, typeId, from: week.from, to: week.to, now, ...(moving ? { moving } : {}) });
  return {
    times,
    week: {
      index: week.index,
      firstDay: week.firstDay,
      lastDay: week.lastDay,
      previous: week.index > 0 ? week.index - 1 : null,
      next: week.index < BOOKING_WEEKS - 1 ? week.index + 1 : null,
      days: groupByDay(times),
    },
  };
}

/** A week of free times of a type at a unit (the type must be the unit's, and bookable by the subject). */
export async function readWeekPage(request: Request, unitId: string | undefined, typeId: string | undefined, now = new Date()) {
  const access = await requireAccess(request, "book", { now });
  const db = database();
  const type = typeId ? await bookableType(db, { subjectId: access.subjectPersonId, typeId, now }) : null;
  if (!type || type.unit.id !== unitId) throw notFound();
  const { times, week } = await weekOfTimes(request, access, type.id, now);
  await logAccess(db, access, "booking", times.map((t) => slotRef(t.slotId)));
  return { type, week };
}

/** What the confirmation page repeats: the time and its type. */
interface Chosen {
  time: FreeTime;
  type: BookableType;
}

/** The confirmation page: the time to book (`?slot=`), or why it cannot be (404 for a time that is not bookable at all). */
export async function readConfirmPage(request: Request, now = new Date()) {
  const access = await requireAccess(request, "book", { now });
  const parsed = slotQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  const db = database();
  const chosen = parsed.success ? await timeToBook(db, { subjectId: access.subjectPersonId, slotId: parsed.data.slot, now }) : ({ error: "slot_unknown" } as const);
  if (parsed.success) await logAccess(db, access, "booking", [slotRef(parsed.data.slot)]);
  const page = {
    slotId: parsed.success ? parsed.data.slot : null,
    subject: access.subjectPersonId,
    chosen: "error" in chosen ? null : (chosen as Chosen),
    error: "error" in chosen ? bookingError(chosen.error) : null,
  };
  return data(page, { status: "error" in chosen && chosen.error === "slot_unknown" ? 404 : 200 });
}

/**
 * Books the time (POST of the confirmation page) and goes to the appointment's page. A double submit finds the
 * first booking (the domain answers with its id). An error changes nothing and comes back by its field, with other
 * free times of the same type when the time itself was the problem.
 */
export async function bookTime(request: Request, now = new Date()) {
  const access = await requireAccess(request, "book", { now });
  const fields = await formFields(request);
  const parsed = bookSchema.safeParse(fields);
  if (!parsed.success) return data({ errors: fieldErrorsOf(parsed.error), otherTimes: [] as FreeTime[], reason: fields.reason ?? "" }, { status: 400 });
  const { slot, subject, reason } = parsed.data;
  // The person switched whom they act for (in another tab) after this page was shown: book nothing, say so.
  if (subject !== access.subjectPersonId) {
    return data({ errors: { form: bookingError("subject_changed") } as Record<string, FormError>, otherTimes: [] as FreeTime[], reason: reason ?? "" }, { status: 409 });
  }
  const db = database();
  const outcome = await book(db, actor(access), { slotId: slot, reasonText: reason, now });
  await logAccess(db, access, "booking", outcome.ok ? [`Booking/${outcome.id}`, slotRef(slot)] : [slotRef(slot)]);
  if (outcome.ok) throw redirect(`/appointments/${encodeURIComponent(outcome.id)}`, 303);
  const typeId = fields.type ? (await bookableType(db, { subjectId: access.subjectPersonId, typeId: fields.type, now }))?.id : undefined;
  const otherTimes = typeId && TIME_ERRORS.includes(outcome.error) ? await nextFreeTimes(db, { subjectId: access.subjectPersonId, typeId, now, limit: OTHER_TIMES }) : [];
  return data({ errors: { slot: bookingError(outcome.error) } as Record<string, FormError>, otherTimes, reason: reason ?? "" }, { status: 409 });
}

/** The reschedule page: the appointment and, when it can be moved online, a week of free times of its type. */
export async function readReschedulePage(request: Request, id: string | undefined, now = new Date()) {
  const access = await requireAccess(request, "book", { now });
  const db = database();
  const appointment = id ? await findAppointment(db, { subjectId: access.subjectPersonId, id, now }) : null;
  if (!appointment) throw notFound();
  if (appointment.id !== id) throw redirect(`/appointments/${encodeURIComponent(appointment.id)}/reschedule`);
  const movable = appointment.reschedule === null && appointment.appointmentId !== null && appointment.appointmentTypeId !== null;
  const found = movable ? await weekOfTimes(request, access, appointment.appointmentTypeId as string, now, appointment.appointmentId as string) : null;
  await logAccess(db, access, "appointments", [appointmentRef(appointment), ...(found?.times ?? []).map((t) => slotRef(t.slotId))]);
  return { appointment, week: found?.week ?? null };
}

/** Moves the appointment to the chosen time (intent "move") and goes to its page; an error comes back with other times. */
export async function moveAppointment(request: Request, id: string | undefined, now = new Date()) {
  const access = await requireAccess(request, "book", { now });
  if (!id) throw notFound();
  const parsed = moveSchema.safeParse(await formFields(request));
  if (!parsed.success) return data({ error: { key: "booking:errors.malformed" } as FormError, slotId: null as string | null, otherTimes: [] as FreeTime[] }, { status: 400 });
  const db = database();
  const outcome = await move(db, actor(access), { appointmentId: id, slotId: parsed.data.slot, now });
  if (!outcome.ok && outcome.error === "appointment_unknown") throw notFound();
  await logAccess(db, access, "booking", [`Appointment/${id}`, slotRef(parsed.data.slot)]);
  if (outcome.ok) throw redirect(`/appointments/${encodeURIComponent(outcome.id)}`, 303);
  const appointment: AppointmentView | null = await findAppointment(db, { subjectId: access.subjectPersonId, id, now });
  const typeId = appointment?.appointmentTypeId;
  const otherTimes =
    typeId && appointment.reschedule === null && TIME_ERRORS.includes(outcome.error)
      ? await nextFreeTimes(db, { subjectId: access.subjectPersonId, typeId, now, limit: OTHER_TIMES, moving: id })
      : [];
  return data({ error: bookingError(outcome.error), slotId: parsed.data.slot as string | null, otherTimes }, { status: 409 });
}

/**
 * The appointment's calendar file: the same UID for every version, its SEQUENCE the appointment's version, METHOD:CANCEL
 * once cancelled. Only for an appointment the clinical system has made (a booking on its way has none yet).
 */
export async function calendarResponse(request: Request, id: string | undefined, now = new Date()): Promise<Response> {
  const access = await requireAccess(request, "book", { now });
  const db = database();
  const appointment = id ? await findAppointment(db, { subjectId: access.subjectPersonId, id, now }) : null;
  if (!appointment?.appointmentId || !CALENDAR_STATUSES.includes(appointment.status)) throw notFound();
  await logAccess(db, access, "appointments", [appointmentRef(appointment)]);
  const origin = config().publicOrigin;
  const unit = appointment.unit;
  const t = await translatorFor(request, "booking");
  const file = calendarFile({
    uid: `appointment-${appointment.appointmentId}@${new URL(origin).hostname}`,
    sequence: appointment.version,
    cancelled: appointment.status === "cancelled",
    start: new Date(appointment.startsAt),
    end: new Date(appointment.endsAt ?? new Date(appointment.startsAt).getTime() + 30 * 60_000),
    summary: [appointment.typeName ?? t("appointment.title"), unit?.name].filter(Boolean).join(", "),
    location: unit ? [unit.name, unit.address ?? unit.city].filter(Boolean).join(", ") : null,
    description: appointment.preparation,
    stamp: now,
    url: `${origin}/appointments/${encodeURIComponent(appointment.id)}`,
  });
  return new Response(file, {
    headers: { "Content-Type": "text/calendar; charset=utf-8", "Content-Disposition": 'attachment; filename="appointment.ics"' },
  });
}
