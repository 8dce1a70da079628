import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { closeNow, listenOn } from "~/utils/loopback.server";
import type { Appointment, Communication, Group, Organization, Practitioner, Resource, Slot } from "@medplum/fhirtypes";
import { generateDemoResources } from "~/feed/demo/generate";
import {
  MESSAGES_PATHS,
  newPatientMessageSchema,
  updateMessageStatusSchema,
  validateRecipientsSchema,
  type Participant,
  type ValidatedRecipients,
} from "../millennium";
import { TokenIssuer } from "./auth.server";
import { BulkExports, MAX_GROUP_MEMBERS } from "./bulk.server";
import { FaultPlan, faultMatchSchema, faultSchema, type Faults } from "./faults.server";
import {
  capabilityStatement,
  createAppointment,
  freeSlots,
  patchAppointment,
  patchSlot,
  readResource,
  searchResources,
  type FhirContext,
  type WriteCounts,
} from "./fhir.server";
import { textToXhtml } from "../message-text";
import { careTeamAttachment, careTeamForm, careTeamPage } from "./care-team-page.server";
import { isInbox, isRefusal, MessageStore, messageOfCommunication, takeAttachments, wholeSeconds, type StoredAttachment, type StoredMessage } from "./messages.server";
import { json, outcome, parseJsonBody, type Reply, type StandInRequest } from "./reply.server";
import { ResourceStore, type StoredResource } from "./store.server";

/**
 * A stand-in for Oracle Health Millennium, for development, tests and demos: its FHIR R4 API, token endpoint, Bulk
 * export and Messages API on a loopback port, with Millennium's constraints and refusals (DOMAIN.md, "Writing back"),
 * so that what works against it works against the real one. It holds the demo data (app/feed/demo) with the ids the
 * portal loads. Anyone on the machine can change it (faults, the care team), so it refuses to run in production.
 */

export interface ClinicalStandInOptions {
  /** 0 picks a free port. */
  port?: number;
  nodeEnv: string;
  /** The demo data (cast, catalogue and `patients` generated ones); false for none. Default: none. */
  demo?: { today?: Date; seed?: number; patients?: number } | false;
  /** More resources to hold (Communications among them become Messages API messages). */
  resources?: Iterable<unknown>;
  latencyMs?: number;
  /** Retry-After of a running export's status (Millennium says 600). */
  bulkRetryAfterSeconds?: number;
  accessTokenSeconds?: number;
}

/** A file the care team attaches to a reply: its bytes (checked as a citizen's are: PDF, GIF, JPEG or PNG, 20 MB). */
import type { CareTeam } from "./care-team";
export type { CareTeam, CareTeamAttachment } from "./care-team";

export interface Inspect {
  resource<T extends Resource = Resource>(type: T["resourceType"], id: string): T | undefined;
  appointments(filter?: { patient?: string; slot?: string }): Appointment[];
  slot(id: string): Slot | undefined;
  /** Messages as held, attachments with their bytes (newest last). */
  messages(filter?: { patientId?: string }): StoredMessage[];
  writes(): WriteCounts;
  /** The last 1,000 requests (not the /_stand-in ones): method, path relative to the base, status or "dropped". */
  requests(): { method: string; path: string; status: number | "dropped" }[];
  /** The Group of every patient held (at most 20,000), for `Group/{id}/$export`. */
  groupId: string;
}

export interface ClinicalStandIn {
  origin: string;
  /** The FHIR base: the API is at the origin's root. */
  fhirBase: string;
  tokenUrl: string;
  registerClient(clientId: string, publicJwk: JsonWebKey): void;
  faults: Faults;
  careTeam: CareTeam;
  inspect: Inspect;
  /** How long start-up took (ms), demo data included. */
  startupMs: number;
  stop(): Promise<void>;
}

export class ClinicalStandInInProductionError extends Error {
  constructor() {
    super(
      "The clinical stand-in is a development stand-in for Millennium that anyone on the machine can change, and never runs with NODE_ENV=production. " +
        "Set CLINICAL_FHIR_BASE, CLINICAL_TOKEN_URL, CLINICAL_CLIENT_ID and CLINICAL_PRIVATE_KEY to the region's clinical system.",
    );
    this.name = "ClinicalStandInInProductionError";
  }
}

/** The Group that holds the patients, for Bulk export. */
export const STAND_IN_GROUP_ID = "9000001";
/** Room for five attachments of 20 MB in base64 and the rest: a larger one must be answered 422, not cut off. */
const MAX_BODY_BYTES = 140 * 1024 * 1024;
const REQUEST_LOG = 1000;

export async function startClinicalStandIn(options: ClinicalStandInOptions): Promise<ClinicalStandIn> {
  if (options.nodeEnv === "production") throw new ClinicalStandInInProductionError();
  const started = Date.now();
  const server = createServer();
  const port = await listenOn(server, options.port ?? 0);
  const origin = `http://127.0.0.1:${port}`;
  const tokenUrl = `${origin}/token`;

  const store = new ResourceStore();
  const messages = new MessageStore();
  const writes: WriteCounts = { appointmentsCreated: 0, appointmentsPatched: 0, slotsPatched: 0, messagesSent: 0, messageStatusUpdates: 0, tokensIssued: 0 };
  let appointmentSequence = 0;
  const ctx: FhirContext = { base: origin, store, writes, newAppointmentId: () => String(950_000_000_000 + ++appointmentSequence) };
  const tokens = new TokenIssuer(tokenUrl, options.accessTokenSeconds ?? 570);
  const bulk = new BulkExports(ctx, options.bulkRetryAfterSeconds ?? 1);
  const faults = new FaultPlan(options.latencyMs ?? 0);
  const requestLog: { method: string; path: string; status: number | "dropped" }[] = [];

  try {
    const hold = async (value: unknown) => {
      const resource = value as Resource & { id?: string };
      if (typeof resource !== "object" || resource === null || typeof resource.resourceType !== "string" || typeof resource.id !== "string") {
        throw new Error("a resource to hold needs a resourceType and an id");
      }
      if (resource.resourceType === "Communication") {
        const communication = resource as Communication & { id: string };
        const message = messageOfCommunication(communication);
        if (message) messages.add(message);
        // The demo's closed conversations (the extension the poller gives back for canReply false).
        if (message && communication.extension?.some((e) => e.url === CAN_REPLY_URL && e.valueBoolean === false)) messages.close(message.id);
        return;
      }
      await store.load(resource as Resource & { id: string });
    };
    if (options.demo) {
      for (const resource of generateDemoResources({ today: options.demo.today, seed: options.demo.seed, patients: options.demo.patients ?? 0 })) await hold(resource);
    }
    for (const resource of options.resources ?? []) await hold(resource);
    const patients = [...store.all("Patient")].slice(0, MAX_GROUP_MEMBERS);
    await store.load({
      resourceType: "Group",
      id: STAND_IN_GROUP_ID,
      type: "person",
      actual: true,
      name: "Patients of the portal",
      quantity: patients.length,
      member: patients.map((p) => ({ entity: { reference: `Patient/${p.id}` } })),
    } satisfies Group & { id: string });
  } catch (error) {
    await closeNow(server);
    throw error;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The care team

  const careTeam: CareTeam = {
    async reply(messageId, { content, from, attachment }) {
      const original = messages.get(messageId);
      if (!original) throw new Error(`no message ${messageId}`);
      if (messages.isClosed(messageId)) throw new Error(`the conversation of ${messageId} is closed`);
      let attachments: StoredAttachment[] = [];
      if (attachment) {
        const taken = takeAttachments([{ fileName: attachment.fileName, contentType: attachment.contentType, content: attachment.content.toString("base64") }], () => messages.newAttachmentId());
        if (isRefusal(taken)) throw new Error(taken.reason);
        attachments = taken;
      }
      if (!isInbox(original)) messages.openByUnit(messageId);
      const sender = from ? personnel(from) : groupInbox(original.organizationId ?? original.recipients.find((r) => r.type === "GROUPINBOX")?.id);
      const recipient: Participant = isInbox(original) ? { id: original.patientId, type: "PERSON" } : original.sender;
      return messages.present(messages.add({
        id: messages.newId(),
        patientId: original.patientId,
        subject: original.subject,
        content: asXhtml(content),
        createDateTime: wholeSeconds(new Date()),
        sender,
        recipients: [recipient],
        status: "UNREAD",
        previousMessageId: original.id,
        notificationType: "MESSAGE",
        ...(original.organizationId ? { organizationId: original.organizationId } : {}),
        ...(attachments.length > 0 ? { attachments } : {}),
      }), false);
    },
    async open(messageId) {
      return messages.present(messages.openByUnit(messageId), false);
    },
    async close(messageId) {
      const message = messages.get(messageId);
      if (!message) throw new Error(`no message ${messageId}`);
      messages.close(messageId);
      return messages.present(message, false);
    },
    async send(patientId, { subject, content, fromUnit, notificationType }) {
      if (!store.get("Patient", patientId)) throw new Error(`no Patient ${patientId}`);
      return messages.present(messages.add({
        id: messages.newId(),
        patientId,
        subject,
        content: asXhtml(content),
        createDateTime: wholeSeconds(new Date()),
        sender: groupInbox(fromUnit),
        recipients: [{ id: patientId, type: "PERSON" }],
        status: "UNREAD",
        notificationType: notificationType ?? "MESSAGE",
        organizationId: fromUnit,
      }), false);
    },
    async cancelAppointment(appointmentId, reason) {
      const appointment = store.get<Appointment>("Appointment", appointmentId);
      if (!appointment) throw new Error(`no Appointment ${appointmentId}`);
      if (appointment.status === "cancelled") return appointment;
      await freeSlots(ctx, appointment);
      return store.update({ ...appointment, status: "cancelled", cancelationReason: { text: reason ?? "Inställt av mottagningen" } }) as Promise<Appointment & StoredResource>;
    },
    async touch(type, id) {
      const resource = store.get(type, id);
      if (!resource) throw new Error(`no ${type} ${id}`);
      return store.update(resource);
    },
    async record(resource) {
      const held = store.get(resource.resourceType, resource.id);
      return held ? store.update({ ...resource, meta: held.meta } as StoredResource) : store.create(resource);
    },
  };

  function personnel(practitionerId: string): Participant {
    const practitioner = store.get<Practitioner>("Practitioner", practitionerId);
    if (!practitioner) throw new Error(`no Practitioner ${practitionerId}`);
    const name = practitioner.name?.[0]?.text;
    return { id: practitionerId, type: "PERSONNEL", ...(name ? { display: name } : {}) };
  }

  function groupInbox(organizationId: string | undefined): Participant {
    const unit = organizationId ? store.get<Organization>("Organization", organizationId) : undefined;
    if (!unit || !organizationId) throw new Error(`no Organization ${organizationId ?? "(none)"} to answer from: name a practitioner (from)`);
    return { id: organizationId, type: "GROUPINBOX", ...(unit.name ? { display: unit.name } : {}) };
  }

  const inspect: Inspect = {
    resource: <T extends Resource>(type: T["resourceType"], id: string) => structuredClone(store.get<T>(type, id)) as T | undefined,
    appointments: ({ patient, slot } = {}) =>
      [...store.all<Appointment>("Appointment")]
        .filter((a) => !patient || a.participant.some((p) => p.actor?.reference === `Patient/${patient}`))
        .filter((a) => !slot || (a.slot ?? []).some((s) => s.reference === `Slot/${slot}`))
        .map((a) => structuredClone(a)),
    slot: (id) => structuredClone(store.get<Slot>("Slot", id)),
    messages: ({ patientId } = {}) =>
      messages
        .all()
        .filter((m) => !patientId || m.patientId === patientId)
        .map((m) => ({ ...structuredClone({ ...m, attachments: undefined }), ...(m.attachments ? { attachments: m.attachments.map((a) => ({ ...a, content: Buffer.from(a.content) })) } : {}) })),
    writes: () => ({ ...writes, tokensIssued: tokens.issued }),
    requests: () => [...requestLog],
    groupId: STAND_IN_GROUP_ID,
  };

  // ---------------------------------------------------------------------------------------------------------------
  // Requests

  async function handle(request: StandInRequest): Promise<Reply> {
    const segments = request.path.split("/").map(decodeURIComponent);
    const [first = "", second, third, fourth] = segments;
    const { method } = request;

    if (first === "presigned" && second && method === "GET") return bulk.presigned(request, second);
    if (first === "bulk-files" && second && third && method === "GET") return bulk.output(second, third.replace(/\.ndjson$/, ""));
    if (first === "token" && segments.length === 1) {
      if (method !== "POST") return outcome(405, "POST the token request");
      const answer = await tokens.token(new URLSearchParams(request.body.toString("utf8")));
      return json(answer.ok ? 200 : answer.status, answer.body, { "cache-control": "no-store", pragma: "no-cache" });
    }
    if (first === "metadata" && segments.length === 1 && method === "GET") return fhirJsonReply(capabilityStatement(ctx, tokenUrl, store.types()));

    request.grant = tokens.grantOf(request.headers.authorization);
    if (!request.grant) return outcome(401, "a valid bearer token is required", { "www-authenticate": 'Bearer realm="stand-in"' });

    if (first === "bulk-status" && second && (method === "GET" || method === "DELETE")) return bulk.status(request, second);
    if (first === "patientMessages" || first === "actions") return messagesApi(request);
    if (first === "Group" && second && third === "$export" && segments.length === 3 && method === "GET") return bulk.kickOff(request, second);
    if (!/^[A-Z][A-Za-z]+$/.test(first)) return outcome(404, "no such endpoint");
    if (segments.length === 1) {
      if (method === "GET") return searchResources(ctx, request, first);
      if (method === "POST" && first === "Appointment") return createAppointment(ctx, request);
      return outcome(405, `${method} ${first} is not supported`);
    }
    if (segments.length === 2 && second) {
      if (method === "GET") return readResource(ctx, request, first, second);
      if (method === "PATCH" && first === "Appointment") return patchAppointment(ctx, request, second);
      if (method === "PATCH" && first === "Slot") return patchSlot(ctx, request, second);
      return outcome(405, `${method} ${first}/{id} is not supported`);
    }
    if (segments.length === 4 && second && third === "_history" && fourth && method === "GET") return readResource(ctx, request, first, second, fourth);
    return outcome(404, "no such endpoint");
  }

  async function messagesApi(request: StandInRequest): Promise<Reply> {
    const { method, path } = request;
    if (path === MESSAGES_PATHS.sentItems && method === "POST") {
      const parsed = newPatientMessageSchema.safeParse(parseJsonBody(request));
      if (!parsed.success) return json(400, { error: "invalid_message", reason: parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ") });
      const message = parsed.data;
      if (!store.get("Patient", message.patientId)) return json(422, { error: "unknown_patient", reason: "patientId names no patient" });
      const badRecipient = message.recipients.find((r) => recipientProblem(r));
      if (badRecipient) return json(422, { error: "invalid_recipient", reason: `${badRecipient.type} ${badRecipient.id}: ${recipientProblem(badRecipient)}` });
      const refusal = messages.checkReply(message);
      if (refusal) return json(refusal.status, { error: "invalid_reply", reason: refusal.reason });
      const attachments = takeAttachments(message.attachments, () => messages.newAttachmentId());
      if (isRefusal(attachments)) return json(attachments.status, { error: "invalid_attachment", reason: attachments.reason });
      const previous = message.previousMessageId ? messages.get(message.previousMessageId) : undefined;
      const sent = messages.send(message, previous?.organizationId ?? message.recipients.find((r) => r.type === "GROUPINBOX")?.id, attachments);
      writes.messagesSent++;
      return json(201, messages.present(sent, false), { location: `${origin}/${MESSAGES_PATHS.message(sent.id)}` });
    }
    if ((path === MESSAGES_PATHS.sentItems || path === MESSAGES_PATHS.inboxItems) && method === "GET") {
      const patientId = request.query.get("patientId");
      if (!patientId) return json(400, { error: "invalid_request", reason: "patientId is required" });
      const from = dateParam(request.query.get("createDateTimeGreaterThanOrEqualTo"));
      const to = dateParam(request.query.get("createDateTimeLessThanOrEqualTo"));
      if (from === null || to === null) return json(400, { error: "invalid_request", reason: "the createDateTime bounds are ISO 8601 instants" });
      return json(200, messages.list(path === MESSAGES_PATHS.inboxItems ? "inbox" : "sent", { patientId, from, to }));
    }
    if (path === MESSAGES_PATHS.updateStatus && method === "POST") {
      const parsed = updateMessageStatusSchema.safeParse(parseJsonBody(request));
      if (!parsed.success) return json(400, { error: "invalid_request", reason: parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ") });
      const refusal = messages.setStatus(parsed.data.messageIds, parsed.data.status, parsed.data.patientId);
      if (refusal) return json(refusal.status, { error: "invalid_request", reason: refusal.reason });
      writes.messageStatusUpdates++;
      return { status: 204 };
    }
    if (path === MESSAGES_PATHS.validateRecipients && method === "POST") {
      const parsed = validateRecipientsSchema.safeParse(parseJsonBody(request));
      if (!parsed.success) return json(400, { error: "invalid_request", reason: parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ") });
      const answer: ValidatedRecipients = {
        recipients: parsed.data.recipients.map((r) => {
          const problem = recipientProblem(r);
          return { ...r, valid: problem === undefined, ...(problem ? { reason: problem } : {}) };
        }),
      };
      return json(200, answer);
    }
    const [, id, more] = path.split("/");
    if (path.startsWith("patientMessages/") && id && more === undefined && method === "GET") {
      const message = messages.view(decodeURIComponent(id));
      return message ? json(200, message) : json(404, { error: "not_found", reason: "no such message" });
    }
    return json(404, { error: "not_found", reason: "no such endpoint" });
  }

  /** Why a recipient cannot receive messages: PERSONNEL is a known Practitioner, GROUPINBOX a known unit. */
  function recipientProblem(r: Participant): string | undefined {
    if (r.type === "PERSONNEL") return store.get("Practitioner", r.id) ? undefined : "no such practitioner";
    if (r.type === "GROUPINBOX") return store.get("Organization", r.id) ? undefined : "no such group inbox";
    return "a patient cannot receive messages here";
  }

  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    void serve(req, res);
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", origin);
    const path = url.pathname.replace(/^\/+/, "");
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch {
      write(res, outcome(413, "the body is too large"));
      return;
    }
    const request: StandInRequest = { method: req.method ?? "GET", path, query: url.searchParams, headers: req.headers, body };
    if (path.startsWith("_stand-in/")) {
      if (!isLoopback(req.socket.remoteAddress)) return write(res, json(403, { error: "loopback only" }));
      if (path === "_stand-in/care-team" && request.method === "GET") return write(res, careTeamPage(messages, { resource: (type, id) => store.get(type, id), practitioners: () => store.all<Practitioner>("Practitioner") }));
      const download = /^_stand-in\/care-team\/attachment\/([^/]+)\/([^/]+)$/.exec(path);
      if (download && request.method === "GET") return write(res, careTeamAttachment(messages, decodeURIComponent(download[1]!), decodeURIComponent(download[2]!)));
      if (path.startsWith("_stand-in/care-team/form/") && request.method === "POST") {
        return write(res, await oneWriteAtATime(() => careTeamForm(careTeam, path.slice("_stand-in/care-team/form/".length), request)));
      }
      return write(res, await oneWriteAtATime(() => control(request)).catch((error: unknown) => json(400, { error: error instanceof Error ? error.message : String(error) })));
    }
    const log = (status: number | "dropped") => {
      requestLog.push({ method: request.method, path, status });
      if (requestLog.length > REQUEST_LOG) requestLog.shift();
    };
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    const fault = faults.take(request.method, path);
    if (fault?.kind === "drop") {
      log("dropped");
      req.socket.destroy();
      return;
    }
    if (fault?.kind === "status") {
      log(fault.status);
      write(res, outcome(fault.status, `injected: ${fault.status}`, fault.retryAfterSeconds === undefined ? {} : { "retry-after": String(fault.retryAfterSeconds) }));
      return;
    }
    if (fault?.kind === "delay") await sleep(fault.ms);
    let reply: Reply;
    try {
      reply = request.method === "GET" ? await handle(request) : await oneWriteAtATime(() => handle(request));
    } catch (error) {
      reply = outcome(500, `the stand-in failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (fault?.kind === "lostAnswer") {
      log("dropped");
      req.socket.destroy();
      return;
    }
    if (fault?.kind === "appliedThenStatus") reply = outcome(fault.status, `injected after the request was carried out: ${fault.status}`);
    log(reply.status);
    write(res, reply);
  }

  /** Writes one after another, each checked against what the one before left (two bookings of one slot: one 422). */
  let writing: Promise<unknown> = Promise.resolve();
  function oneWriteAtATime<T>(write: () => Promise<T>): Promise<T> {
    const done = writing.then(write, write);
    writing = done.catch(() => undefined);
    return done;
  }

  async function control(request: StandInRequest): Promise<Reply> {
    const route = request.path.slice("_stand-in/".length);
    const body = (request.body.length > 0 ? parseJsonBody(request) : {}) as Record<string, unknown> | undefined;
    if (!body || typeof body !== "object") return json(400, { error: "the body is not JSON" });
    const text = (name: string) => {
      const value = body[name];
      if (typeof value !== "string" || value === "") throw new Error(`${name} is required`);
      return value;
    };
    const optional = (name: string) => (typeof body[name] === "string" ? (body[name] as string) : undefined);
    switch (`${request.method} ${route}`) {
      case "POST faults":
        faults.inject(faultSchema.parse(body.fault), faultMatchSchema.parse(body.match ?? {}));
        return json(200, { injected: body.fault });
      case "DELETE faults":
        faults.clear();
        return json(200, { cleared: true });
      case "POST latency":
        faults.setLatency(Number(body.ms));
        return json(200, { latencyMs: faults.latencyMs });
      case "POST care-team/reply": {
        const file = body.attachment as { fileName?: unknown; contentType?: unknown; content?: unknown } | undefined;
        const attachment =
          file && typeof file.fileName === "string" && typeof file.contentType === "string" && typeof file.content === "string"
            ? { fileName: file.fileName, contentType: file.contentType, content: Buffer.from(file.content, "base64") }
            : undefined;
        return json(200, await careTeam.reply(text("messageId"), { content: text("content"), from: optional("from"), attachment }));
      }
      case "POST care-team/open":
        return json(200, await careTeam.open(text("messageId")));
      case "POST care-team/close":
        return json(200, await careTeam.close(text("messageId")));
      case "POST care-team/send":
        return json(
          200,
          await careTeam.send(text("patientId"), {
            subject: text("subject"),
            content: text("content"),
            fromUnit: text("fromUnit"),
            notificationType: optional("notificationType") === "REMINDER" ? "REMINDER" : "MESSAGE",
          }),
        );
      case "POST care-team/cancel":
        return json(200, await careTeam.cancelAppointment(text("appointmentId"), optional("reason")));
      case "POST care-team/touch":
        return json(200, await careTeam.touch(text("type"), text("id")));
      case "POST care-team/record":
        return json(200, await careTeam.record(body.resource as Resource & { id: string }));
      case "GET inspect/appointments":
        return json(200, inspect.appointments({ patient: request.query.get("patient") ?? undefined, slot: request.query.get("slot") ?? undefined }));
      case "GET inspect/messages":
        return json(200, inspect.messages({ patientId: request.query.get("patientId") ?? undefined }).map((m) => messages.present(m, false)));
      case "GET inspect/writes":
        return json(200, inspect.writes());
      default:
        return json(404, { error: "no such control endpoint" });
    }
  }

  return {
    origin,
    fhirBase: origin,
    tokenUrl,
    registerClient: (clientId, publicJwk) => tokens.registerClient(clientId, publicJwk),
    faults,
    careTeam,
    inspect,
    startupMs: Date.now() - started,
    stop: () => closeNow(server),
  };
}

function fhirJsonReply(body: unknown): Reply {
  return { status: 200, headers: { "content-type": "application/fhir+json; charset=utf-8" }, body: JSON.stringify(body) };
}

/** The poller's extension for canReply false (app/clinical/poller/messages.ts), on the demo's closed conversations. */
const CAN_REPLY_URL = "https://vgregion.se/fhir/StructureDefinition/can-reply";

/** XHTML given as such (a `<div>` in the XHTML namespace) is kept; anything else is text ("<3" included). */
function asXhtml(content: string): string {
  return /^\s*<div\s+xmlns="http:\/\/www\.w3\.org\/1999\/xhtml"/.test(content) ? content : textToXhtml(content);
}

/** undefined when absent, null when not a date. */
function dateParam(value: string | null): Date | undefined | null {
  if (value === null) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms);
}

function isLoopback(address: string | undefined): boolean {
  return address === "127.0.0.1" || address === "::1" || address === "::ffff:127.0.0.1";
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error("too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function write(res: ServerResponse, reply: Reply): void {
  const body = reply.body ?? "";
  res.writeHead(reply.status, { ...reply.headers, "content-length": String(Buffer.byteLength(body)) });
  res.end(body);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

