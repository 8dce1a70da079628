import { randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { Group, Resource } from "@medplum/fhirtypes";
import { NOT_EXPORTED_TYPES } from "../millennium";
import { allows } from "./auth.server";
import type { FhirContext } from "./fhir.server";
import { json, outcome, type Reply, type StandInRequest } from "./reply.server";

/**
 * Bulk Data `Group/{id}/$export` (STU 1.0.1) as Millennium runs it: kick-off with `Prefer: respond-async`, one export
 * at a time per client, status polling answered 202 with Retry-After until done, a manifest whose files need no token,
 * and each file behind a 307 to a "pre-signed" URL that refuses an Authorization header.
 *
 * The files are made at kick-off (the data is small); the first status request still answers 202, as an export takes
 * a while on Millennium and a client must poll.
 */

export const MAX_GROUP_MEMBERS = 20_000;
const PATIENT_REFERENCE = /"reference":"Patient\/([A-Za-z0-9\-.]{1,64})"/g;

interface ExportFile {
  type: string;
  token: string;
  ndjson: string;
  count: number;
}

interface ExportJob {
  id: string;
  clientId: string;
  request: string;
  transactionTime: string;
  polls: number;
  files: ExportFile[];
}

export class BulkExports {
  private readonly jobs = new Map<string, ExportJob>();
  private readonly byToken = new Map<string, ExportFile>();

  constructor(
    private readonly ctx: FhirContext,
    private readonly retryAfterSeconds: number,
  ) {}

  kickOff(request: StandInRequest, groupId: string): Reply {
    const grant = request.grant;
    if (!grant || !allows(grant, "Group", "read")) return outcome(403, "the token's scopes do not include system/Group.read");
    if (!/respond-async/.test(String(request.headers.prefer ?? ""))) return outcome(400, "$export needs Prefer: respond-async");
    const group = this.ctx.store.get<Group>("Group", groupId);
    if (!group) return outcome(404, `Group/${groupId} is not known`);
    const requestedTypes = request.query.get("_type")?.split(",").filter(Boolean);
    const refused = requestedTypes?.find((t) => (NOT_EXPORTED_TYPES as readonly string[]).includes(t) || !/^[A-Z][A-Za-z]+$/.test(t));
    if (refused) return outcome(400, `${refused} is not exported`);
    const since = request.query.get("_since");
    if (since !== null && Number.isNaN(Date.parse(since))) return outcome(400, "_since is an instant");
    if ([...this.jobs.values()].some((j) => j.clientId === grant.clientId && j.polls < 2)) {
      return outcome(429, "one export at a time per client: this client's last one is still running", { "retry-after": String(this.retryAfterSeconds) });
    }

    const members = new Set((group.member ?? []).map((m) => /^Patient\/(.+)$/.exec(m.entity.reference ?? "")?.[1]).filter((id): id is string => Boolean(id)));
    const files = new Map<string, { lines: string[] }>();
    for (const type of this.ctx.store.types()) {
      if ((NOT_EXPORTED_TYPES as readonly string[]).includes(type) || type === "Group") continue;
      if (requestedTypes && !requestedTypes.includes(type)) continue;
      // SMART Bulk Data: a client gets the types its scopes let it read.
      if (!allows(grant, type, "read")) continue;
      for (const resource of this.ctx.store.all(type)) {
        if (since !== null && resource.meta.lastUpdated <= new Date(since).toISOString()) continue;
        if (!belongsTo(resource, members)) continue;
        const file = files.get(type) ?? { lines: [] };
        file.lines.push(JSON.stringify(resource));
        files.set(type, file);
      }
    }
    const job: ExportJob = {
      id: randomBytes(12).toString("hex"),
      clientId: grant.clientId,
      request: `${this.ctx.base}/${request.path}${request.query.size > 0 ? `?${request.query.toString()}` : ""}`,
      transactionTime: new Date().toISOString(),
      polls: 0,
      files: [...files].map(([type, { lines }]) => ({ type, token: randomBytes(24).toString("base64url"), ndjson: `${lines.join("\n")}\n`, count: lines.length })),
    };
    this.jobs.set(job.id, job);
    for (const file of job.files) this.byToken.set(file.token, file);
    return { status: 202, headers: { "content-location": `${this.ctx.base}/bulk-status/${job.id}` } };
  }

  status(request: StandInRequest, jobId: string): Reply {
    const job = this.jobs.get(jobId);
    if (!job || job.clientId !== request.grant?.clientId) return outcome(404, "no such export");
    if (request.method === "DELETE") {
      this.jobs.delete(jobId);
      for (const file of job.files) this.byToken.delete(file.token);
      return { status: 202 };
    }
    job.polls++;
    if (job.polls === 1) return { status: 202, headers: { "retry-after": String(this.retryAfterSeconds), "x-progress": "in progress" } };
    return json(200, {
      transactionTime: job.transactionTime,
      request: job.request,
      requiresAccessToken: false,
      output: job.files.map((f) => ({ type: f.type, url: `${this.ctx.base}/bulk-files/${job.id}/${f.type}.ndjson`, count: f.count })),
      error: [],
    });
  }

  /** An output URL of the manifest: a redirect to the file's pre-signed URL. */
  output(jobId: string, type: string): Reply {
    const file = this.jobs.get(jobId)?.files.find((f) => f.type === type);
    if (!file) return outcome(404, "no such file");
    return { status: 307, headers: { location: `${this.ctx.base}/presigned/${file.token}/${type}.ndjson` } };
  }

  /** The pre-signed URL: the token in its path is the authorisation; an Authorization header is refused. */
  presigned(request: StandInRequest, token: string): Reply {
    if (request.headers.authorization !== undefined) {
      return { status: 403, headers: { "content-type": "application/xml" }, body: "<Error><Code>AccessDenied</Code><Message>Only one auth mechanism allowed</Message></Error>" };
    }
    const file = this.byToken.get(token);
    if (!file) return { status: 404, headers: { "content-type": "text/plain" }, body: "NoSuchKey" };
    const gzip = /\bgzip\b/.test(String(request.headers["accept-encoding"] ?? ""));
    return gzip
      ? { status: 200, headers: { "content-type": "application/fhir+ndjson", "content-encoding": "gzip" }, body: gzipSync(file.ndjson) }
      : { status: 200, headers: { "content-type": "application/fhir+ndjson" }, body: file.ndjson };
  }

  running(): number {
    return [...this.jobs.values()].filter((j) => j.polls < 2).length;
  }
}

/** A member Patient, or a resource that names one; resources naming no patient (units, staff) go to every export. */
function belongsTo(resource: Resource & { id: string }, members: ReadonlySet<string>): boolean {
  if (resource.resourceType === "Patient") return members.has(resource.id);
  const text = JSON.stringify(resource);
  let named = false;
  for (const match of text.matchAll(PATIENT_REFERENCE)) {
    named = true;
    if (members.has(match[1] as string)) return true;
  }
  return !named;
}
