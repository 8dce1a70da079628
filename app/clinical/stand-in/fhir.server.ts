import type { Appointment, AppointmentParticipant, Bundle, CapabilityStatement, Extension, Reference, ResourceType, Schedule, Slot } from "@medplum/fhirtypes";
import { IS_CANCELABLE_URL, IS_RESCHEDULABLE_URL, LAST_UPDATED_TYPES, NOT_EXPORTED_TYPES } from "../millennium";
import { allows } from "./auth.server";
import { fhirJson, outcome, parseJsonBody, type Reply, type StandInRequest } from "./reply.server";
import { SearchError, type ResourceStore, type StoredResource } from "./store.server";

/**
 * The FHIR R4 API as Millennium allows it (../../../../shared/docs/DOMAIN.md, "Writing back"): reads, searches with
 * Millennium's required and refused parameters, booking by POST /Appointment and cancelling or moving by JSON Patch.
 * Storage and search matching are the store's (Medplum); every rule here is Millennium's.
 */

export interface WriteCounts {
  appointmentsCreated: number;
  appointmentsPatched: number;
  slotsPatched: number;
  messagesSent: number;
  messageStatusUpdates: number;
  tokensIssued: number;
}

export interface FhirContext {
  base: string;
  store: ResourceStore;
  writes: WriteCounts;
  newAppointmentId(): string;
}

export const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 200;
const LAST_UPDATED_VALUE = /^(gt|ge|lt|le|eq)?\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;
/** Parameters every search takes that are not matched against resources. */
const CONTROL = new Set(["_count", "_offset", "_include", "_format"]);
const SLOT_PARAMS = new Set(["_id", "service-type", "start", "schedule.actor", "-location", ...CONTROL]);
const APPOINTMENT_PARAMS = new Set(["_id", "patient", "practitioner", "location", "date", ...CONTROL]);
const APPOINTMENT_KEYS = new Set(["resourceType", "status", "slot", "participant", "reasonCode"]);
const ID = /^[A-Za-z0-9\-.]{1,64}$/;

// -----------------------------------------------------------------------------------------------------------------
// Reading and searching

export async function readResource(ctx: FhirContext, request: StandInRequest, type: string, id: string, versionId?: string): Promise<Reply> {
  if (!request.grant || !allows(request.grant, type, "read")) return outcome(403, `the token's scopes do not include system/${type}.read`);
  const resource = versionId === undefined ? ctx.store.get(type, id) : await ctx.store.version(type, id, versionId);
  if (!resource) return outcome(404, `${type}/${id}${versionId === undefined ? "" : `/_history/${versionId}`} is not known`);
  return fhirJson(200, resource, { etag: `W/"${resource.meta.versionId}"`, "last-modified": new Date(resource.meta.lastUpdated).toUTCString() });
}

export async function searchResources(ctx: FhirContext, request: StandInRequest, type: string): Promise<Reply> {
  if (!request.grant || !allows(request.grant, type, "read")) return outcome(403, `the token's scopes do not include system/${type}.read`);
  const params: Record<string, string[]> = {};
  for (const [name, value] of request.query) (params[name] ??= []).push(value);

  const lastUpdated = params._lastUpdated ?? [];
  if (lastUpdated.length > 0 && !(LAST_UPDATED_TYPES as readonly string[]).includes(type)) return outcome(400, `${type} cannot be searched by _lastUpdated`);
  if (lastUpdated.length > 2) return outcome(400, "_lastUpdated may be given at most twice");
  if (lastUpdated.some((v) => !LAST_UPDATED_VALUE.test(v))) return outcome(400, "_lastUpdated takes gt, ge, lt, le or eq and a date or instant");

  const refused = type === "Appointment" ? appointmentSearchRefusal(params) : type === "Slot" ? slotSearchRefusal(params) : undefined;
  if (refused) return outcome(400, refused);
  const include = params._include ?? [];
  if (include.some((i) => !(type === "Slot" && i === "Slot:schedule"))) return outcome(400, "the only _include supported is Slot:schedule");

  const count = Math.min(Number(params._count?.[0] ?? DEFAULT_PAGE_SIZE) || DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  const offset = Math.max(0, Number(params._offset?.[0] ?? 0) || 0);
  const filters: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(params)) if (!CONTROL.has(name)) filters[name] = values;

  let found: StoredResource[];
  try {
    found = type === "Slot" ? await searchSlots(ctx, filters) : await ctx.store.search(type, filters);
  } catch (error) {
    if (error instanceof SearchError) return outcome(400, error.message);
    throw error;
  }
  const page = found.slice(offset, offset + count);
  const entry: NonNullable<Bundle["entry"]> = page.map((resource) => ({
    fullUrl: `${ctx.base}/${type}/${resource.id}`,
    resource,
    search: { mode: "match" },
  }));
  if (include.length > 0) {
    const schedules = new Set(page.map((s) => (s as Slot).schedule?.reference).filter((r): r is string => Boolean(r)));
    for (const reference of schedules) {
      const [, id] = reference.split("/");
      const schedule = id ? ctx.store.get<Schedule>("Schedule", id) : undefined;
      if (schedule) entry.push({ fullUrl: `${ctx.base}/Schedule/${schedule.id}`, resource: schedule, search: { mode: "include" } });
    }
  }
  const link = (at: number) => {
    const query = new URLSearchParams(request.query);
    query.delete("_offset");
    query.set("_count", String(count));
    if (at > 0) query.set("_offset", String(at));
    return `${ctx.base}/${type}?${query.toString()}`;
  };
  const bundle: Bundle = {
    resourceType: "Bundle",
    type: "searchset",
    link: [{ relation: "self", url: link(offset) }, ...(offset + count < found.length ? [{ relation: "next", url: link(offset + count) }] : [])],
    entry,
  };
  return fhirJson(200, bundle);
}

function appointmentSearchRefusal(params: Record<string, string[]>): string | undefined {
  const names = Object.keys(params);
  if (names.some((n) => n.split(":")[0] === "identifier")) return "Appointment cannot be searched by identifier";
  const other = names.find((n) => !APPOINTMENT_PARAMS.has(n) && n !== "_lastUpdated");
  if (other) return `Appointment cannot be searched by ${other}`;
  if (params._id) return names.some((n) => !CONTROL.has(n) && n !== "_id") ? "_id cannot be combined with other parameters" : undefined;
  if (!params.patient && !params.practitioner && !params.location) return "Appointment search needs patient, practitioner, location or _id";
  const dates = params.date ?? [];
  if (!dates.some((d) => /^(ge|gt)/.test(d)) || !dates.some((d) => /^(lt|le)/.test(d)) || dates.length !== 2) {
    return "Appointment search needs a date window: date=ge… and date=lt…";
  }
  return undefined;
}

function slotSearchRefusal(params: Record<string, string[]>): string | undefined {
  const names = Object.keys(params);
  const other = names.find((n) => !SLOT_PARAMS.has(n) && n !== "_lastUpdated");
  if (other) return `Slot cannot be searched by ${other}`;
  if (params._id) return names.some((n) => !CONTROL.has(n) && n !== "_id") ? "_id cannot be combined with other parameters" : undefined;
  if (!params["service-type"]) return "Slot search needs service-type";
  const starts = params.start ?? [];
  if (starts.length !== 2 || !starts.some((s) => s.startsWith("ge")) || !starts.some((s) => s.startsWith("lt"))) {
    return "Slot search needs both start=ge… and start=lt…";
  }
  if ((params["schedule.actor"]?.length ?? 0) > 1 || (params["-location"]?.length ?? 0) > 1) return "schedule.actor and -location may each be given once";
  return undefined;
}

/** Free slots only (any slot by _id); schedule.actor and -location through the slots' schedules. */
async function searchSlots(ctx: FhirContext, filters: Record<string, string[]>): Promise<StoredResource[]> {
  if (filters._id) return ctx.store.search("Slot", filters);
  const { "schedule.actor": actor, "-location": location, ...rest } = filters;
  let schedules: string[] | undefined;
  const narrow = (type: string, value: string | undefined) => {
    if (value === undefined) return;
    const reference = value.includes("/") ? value : `${type}/${value}`;
    const ids = [...ctx.store.all<Schedule>("Schedule")].filter((s) => (s.actor ?? []).some((a) => a.reference === reference)).map((s) => `Schedule/${s.id}`);
    schedules = schedules ? schedules.filter((s) => ids.includes(s)) : ids;
  };
  narrow("Practitioner", actor?.[0]);
  narrow("Location", location?.[0]);
  if (schedules && schedules.length === 0) return [];
  return ctx.store.search("Slot", { ...rest, status: ["free"], ...(schedules ? { schedule: [schedules.join(",")] } : {}) });
}

// -----------------------------------------------------------------------------------------------------------------
// Booking

const refNumberOf = (reference: Reference | undefined, type: string): string | undefined => {
  const [t, id, ...more] = (reference?.reference ?? "").split("/");
  return t === type && id && more.length === 0 && ID.test(id) ? id : undefined;
};

/** Free, or held (busy-tentative) by the one who books; not begun. */
const bookable = (slot: Slot) => (slot.status === "free" || slot.status === "busy-tentative") && Date.parse(slot.start) > Date.now();

export async function createAppointment(ctx: FhirContext, request: StandInRequest): Promise<Reply> {
  if (!request.grant || !allows(request.grant, "Appointment", "write")) return outcome(403, "the token's scopes do not include system/Appointment.write");
  const body = parseJsonBody(request) as Partial<Appointment> | undefined;
  if (!body || typeof body !== "object" || body.resourceType !== "Appointment") return outcome(400, "the body is not an Appointment");
  if ("identifier" in body) return outcome(422, "Appointment.identifier cannot be written");
  const extra = Object.keys(body).find((k) => !APPOINTMENT_KEYS.has(k));
  if (extra) return outcome(422, `Appointment.${extra} cannot be written at booking`);
  if (body.status !== "booked") return outcome(422, "status must be booked");
  if (body.slot?.length !== 1) return outcome(422, "exactly one slot is needed");
  const slotId = refNumberOf(body.slot[0], "Slot");
  if (!slotId) return outcome(422, "slot must reference a Slot");
  if (body.participant?.length !== 1) return outcome(422, "exactly one participant is needed: the Patient");
  const [participant] = body.participant as [AppointmentParticipant];
  const patientId = refNumberOf(participant.actor, "Patient");
  if (!patientId || participant.status !== "accepted" || participant.type !== undefined || Object.keys(participant).some((k) => k !== "actor" && k !== "status")) {
    return outcome(422, "the participant must be the Patient, status accepted, without type");
  }
  if (body.reasonCode !== undefined && (body.reasonCode.length !== 1 || !body.reasonCode[0]?.text || Object.keys(body.reasonCode[0]).some((k) => k !== "text"))) {
    return outcome(422, "reasonCode is one CodeableConcept with text only");
  }
  if (!ctx.store.get("Patient", patientId)) return outcome(422, `Patient/${patientId} is not known`);
  const slot = ctx.store.get<Slot>("Slot", slotId);
  if (!slot) return outcome(422, `Slot/${slotId} is not known`);
  if (!bookable(slot)) return outcome(422, `Slot/${slotId} is not free, or has begun`);

  const id = ctx.newAppointmentId();
  await ctx.store.create({
    resourceType: "Appointment",
    id,
    status: "booked",
    extension: [
      { url: IS_CANCELABLE_URL, valueBoolean: true },
      { url: IS_RESCHEDULABLE_URL, valueBoolean: true },
    ],
    serviceType: slot.serviceType,
    ...(body.reasonCode ? { reasonCode: body.reasonCode } : {}),
    ...slotTimes(slot),
    slot: [{ reference: `Slot/${slotId}` }],
    created: new Date().toISOString(),
    participant: [{ actor: { reference: `Patient/${patientId}` }, status: "accepted" }, ...scheduleParticipants(ctx, slot)],
  } satisfies Appointment & { id: string });
  await ctx.store.update({ ...slot, status: "busy" });
  ctx.writes.appointmentsCreated++;
  return { status: 201, headers: { location: `${ctx.base}/Appointment/${id}`, etag: 'W/"0"' } };
}

function slotTimes(slot: Slot): Pick<Appointment, "start" | "end" | "minutesDuration"> {
  return { start: slot.start, end: slot.end, minutesDuration: Math.round((Date.parse(slot.end) - Date.parse(slot.start)) / 60_000) };
}

/** The slot's schedule's actors that Millennium puts on an appointment: its practitioner, location and service. */
function scheduleParticipants(ctx: FhirContext, slot: Slot): AppointmentParticipant[] {
  const scheduleId = refNumberOf(slot.schedule, "Schedule");
  const schedule = scheduleId ? ctx.store.get<Schedule>("Schedule", scheduleId) : undefined;
  return (schedule?.actor ?? [])
    .filter((a) => /^(Practitioner|Location|HealthcareService)\//.test(a.reference ?? ""))
    .map((actor) => ({ actor, required: actor.reference?.startsWith("HealthcareService/") ? "information-only" : "required", status: "accepted" }));
}

// -----------------------------------------------------------------------------------------------------------------
// PATCH: cancel, reschedule, a slot's hold

type Operation = { op?: unknown; path?: unknown; value?: unknown };

function patchPreconditions(request: StandInRequest, current: StoredResource | undefined, what: string): Reply | Operation[] {
  if (!current) return outcome(404, `${what} is not known`);
  if (!(request.headers["content-type"] ?? "").startsWith("application/json-patch+json")) return outcome(415, "PATCH takes application/json-patch+json");
  const ifMatch = request.headers["if-match"];
  if (!ifMatch) return outcome(412, "If-Match is required");
  const version = /^(?:W\/)?"([^"]*)"$/.exec(ifMatch.trim())?.[1];
  if (version !== current.meta.versionId) return outcome(409, `${what} is at version ${current.meta.versionId}, not ${version ?? ifMatch}`);
  const operations = parseJsonBody(request);
  if (!Array.isArray(operations) || operations.length === 0 || operations.some((o) => typeof o !== "object" || o === null)) return outcome(400, "the body is not a JSON Patch");
  return operations as Operation[];
}

function flag(appointment: Appointment, url: string): boolean {
  return (appointment.extension ?? []).find((e: Extension) => e.url === url)?.valueBoolean !== false;
}

export async function patchAppointment(ctx: FhirContext, request: StandInRequest, id: string): Promise<Reply> {
  if (!request.grant || !allows(request.grant, "Appointment", "write")) return outcome(403, "the token's scopes do not include system/Appointment.write");
  const current = ctx.store.get<Appointment>("Appointment", id);
  const checked = patchPreconditions(request, current, `Appointment/${id}`);
  if (!Array.isArray(checked)) return checked;
  const appointment = current as Appointment & StoredResource;
  const [first, ...rest] = checked;

  if (first?.op === "replace" && first.path === "/status") {
    if (first.value !== "cancelled") return outcome(422, "status can only be replaced with cancelled");
    const reason = rest[0];
    if (rest.length > 1 || (reason && !(reason.op === "add" && reason.path === "/cancelationReason" && typeof reason.value === "object" && reason.value !== null))) {
      return outcome(422, "a cancellation may only add /cancelationReason besides");
    }
    // Millennium's published documents do not say; the stand-in refuses, as for any status it cannot leave.
    if (appointment.status === "cancelled") return outcome(422, "the appointment is already cancelled");
    if (appointment.status !== "booked") return outcome(422, `an appointment ${appointment.status} cannot be cancelled`);
    if (!flag(appointment, IS_CANCELABLE_URL)) return outcome(422, "the clinical system does not allow this appointment to be cancelled (is-cancelable)");
    await freeSlots(ctx, appointment);
    const updated = await ctx.store.update({ ...appointment, status: "cancelled", ...(reason ? { cancelationReason: reason.value as Appointment["cancelationReason"] } : {}) });
    ctx.writes.appointmentsPatched++;
    return { status: 200, headers: { etag: `W/"${updated.meta.versionId}"` } };
  }

  if (first?.op === "replace" && first.path === "/slot" && rest.length === 0) {
    const slots = first.value;
    const slotId = Array.isArray(slots) && slots.length === 1 ? refNumberOf(slots[0] as Reference, "Slot") : undefined;
    if (!slotId) return outcome(422, "/slot is replaced with exactly one Slot reference");
    if (appointment.status !== "booked") return outcome(422, `an appointment ${appointment.status} cannot be rescheduled`);
    if (!flag(appointment, IS_RESCHEDULABLE_URL)) return outcome(422, "the clinical system does not allow this appointment to be moved (is-reschedulable)");
    const slot = ctx.store.get<Slot>("Slot", slotId);
    if (!slot) return outcome(422, `Slot/${slotId} is not known`);
    if (!bookable(slot)) return outcome(422, `Slot/${slotId} is not free, or has begun`);
    await freeSlots(ctx, appointment);
    await ctx.store.update({ ...slot, status: "busy" });
    const patient = appointment.participant.filter((p) => p.actor?.reference?.startsWith("Patient/"));
    const updated = await ctx.store.update({
      ...appointment,
      ...slotTimes(slot),
      serviceType: slot.serviceType ?? appointment.serviceType,
      slot: [{ reference: `Slot/${slotId}` }],
      participant: [...patient, ...scheduleParticipants(ctx, slot)],
    });
    ctx.writes.appointmentsPatched++;
    return { status: 200, headers: { etag: `W/"${updated.meta.versionId}"` } };
  }
  return outcome(422, "an Appointment's PATCH replaces /status with cancelled or /slot with one Slot, nothing else");
}

/** The appointment's slots turn free again (those it still holds). */
export async function freeSlots(ctx: FhirContext, appointment: Appointment): Promise<void> {
  for (const reference of appointment.slot ?? []) {
    const id = refNumberOf(reference, "Slot");
    const slot = id ? ctx.store.get<Slot>("Slot", id) : undefined;
    if (slot && slot.status === "busy") await ctx.store.update({ ...slot, status: "free" });
  }
}

export async function patchSlot(ctx: FhirContext, request: StandInRequest, id: string): Promise<Reply> {
  if (!request.grant || !allows(request.grant, "Slot", "write")) return outcome(403, "the token's scopes do not include system/Slot.write");
  const current = ctx.store.get<Slot>("Slot", id);
  const checked = patchPreconditions(request, current, `Slot/${id}`);
  if (!Array.isArray(checked)) return checked;
  const [only, ...rest] = checked;
  if (rest.length > 0 || only?.op !== "replace" || only.path !== "/status" || (only.value !== "free" && only.value !== "busy-tentative")) {
    return outcome(422, "a Slot's PATCH only replaces /status with free or busy-tentative");
  }
  const slot = current as Slot & StoredResource;
  if (slot.status === "busy" || slot.status === "busy-unavailable") return outcome(422, `Slot/${id} is ${slot.status}`);
  const updated = await ctx.store.update({ ...slot, status: only.value });
  ctx.writes.slotsPatched++;
  return { status: 200, headers: { etag: `W/"${updated.meta.versionId}"` } };
}

// -----------------------------------------------------------------------------------------------------------------
// CapabilityStatement

const SEARCH_PARAMS: Record<string, [string, string][]> = {
  Slot: [["_id", "token"], ["service-type", "token"], ["start", "date"], ["schedule.actor", "reference"], ["-location", "reference"]],
  Appointment: [["_id", "token"], ["patient", "reference"], ["practitioner", "reference"], ["location", "reference"], ["date", "date"]],
};

export function capabilityStatement(ctx: FhirContext, tokenUrl: string, types: readonly string[]): CapabilityStatement {
  return {
    resourceType: "CapabilityStatement",
    status: "active",
    date: new Date().toISOString(),
    kind: "instance",
    software: { name: "Clinical stand-in (development only, after Oracle Health Millennium)" },
    implementation: { description: "A development stand-in for Millennium: not a clinical system", url: ctx.base },
    fhirVersion: "4.0.1",
    format: ["json"],
    rest: [
      {
        mode: "server",
        security: {
          service: [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/restful-security-service", code: "SMART-on-FHIR" }] }],
          extension: [{ url: "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris", extension: [{ url: "token", valueUri: tokenUrl }] }],
        },
        resource: types.map((type) => ({
          type: type as ResourceType,
          interaction: [
            { code: "read" },
            { code: "vread" },
            { code: "search-type" },
            ...(type === "Appointment" ? [{ code: "create" as const }, { code: "patch" as const }] : []),
            ...(type === "Slot" ? [{ code: "patch" as const }] : []),
          ],
          searchParam: (SEARCH_PARAMS[type] ?? [["_id", "token"], ...((LAST_UPDATED_TYPES as readonly string[]).includes(type) ? [["_lastUpdated", "date"] as [string, string]] : [])]).map(
            ([name, paramType]) => ({ name, type: paramType as "token" }),
          ),
          ...(type === "Group" ? { operation: [{ name: "export", definition: "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/group-export" }] } : {}),
        })),
      },
    ],
  };
}

export function isExportable(type: string): boolean {
  return !(NOT_EXPORTED_TYPES as readonly string[]).includes(type) && type !== "Group";
}

