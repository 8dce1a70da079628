import { isUtf8 } from "node:buffer";
import type { Request } from "express";
import { BodyTooLarge, readBody } from "~/utils/body.server";

/**
 * The one place where what a client sent is checked before any route sees it: the request target (path and query
 * string) of every request, and the body of every form post. A route can then trust that each parameter and form field
 * is well-formed text: valid percent-encoding of valid UTF-8, without control characters (NUL above all, which
 * PostgreSQL refuses). Tabs and line breaks are allowed: a message to the care team has lines.
 */

export type EdgeProblem = "bad-request" | "too-large" | "unsupported-media-type";

export class EdgeError extends Error {
  constructor(
    readonly problem: EdgeProblem,
    /** For the server log only: what was wrong, never the value itself. */
    readonly detail: string,
  ) {
    super(detail);
    this.name = "EdgeError";
  }
}

/** C0 controls but tab, line feed and carriage return; DEL and the C1 controls. */
// eslint-disable-next-line no-control-regex -- control characters are what it finds
export const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/** A percent-encoded component as text, or null when it is not valid UTF-8 or holds a control character. */
export function decodeComponent(raw: string, plusIsSpace = false): string | null {
  let text: string;
  try {
    text = decodeURIComponent(plusIsSpace ? raw.replaceAll("+", " ") : raw);
  } catch {
    return null;
  }
  return CONTROL.test(text) ? null : text;
}

/**
 * Checks the path and query string of a request target ("/record/notes?q=…"). The path must be in the form the router
 * serves (no dot segments, no empty segments, no backslashes): a request for "/api/fhir/../../logout" is refused
 * rather than served as "/logout" under rules decided for another path.
 */
export function checkTarget(target: string): void {
  const query = target.indexOf("?");
  const path = query === -1 ? target : target.slice(0, query);
  if (!path.startsWith("/") || path.includes("\\")) throw new EdgeError("bad-request", "path is not absolute");
  const segments = path.slice(1).split("/");
  segments.forEach((raw, i) => {
    const segment = decodeComponent(raw);
    if (segment === null) throw new EdgeError("bad-request", "path segment is not valid text");
    if (segment === "." || segment === "..") throw new EdgeError("bad-request", "path has dot segments");
    if (segment === "" && i < segments.length - 1) throw new EdgeError("bad-request", "path has empty segments");
  });
  if (query !== -1) checkUrlEncoded(target.slice(query + 1), "query");
}

/** Each name and value of an application/x-www-form-urlencoded text (a query string or a form body). */
function checkUrlEncoded(text: string, what: "query" | "form"): void {
  for (const pair of text.split("&")) {
    const eq = pair.indexOf("=");
    const name = eq === -1 ? pair : pair.slice(0, eq);
    const value = eq === -1 ? "" : pair.slice(eq + 1);
    if (decodeComponent(name, true) === null || decodeComponent(value, true) === null) {
      throw new EdgeError("bad-request", `${what} field is not valid text`);
    }
  }
}

const FORM_TYPE = "application/x-www-form-urlencoded";
const MULTIPART_TYPE = "multipart/form-data";

/** The pages whose forms send files (multipart/form-data): a new message and a conversation's reply (single fetch adds ".data"). */
export const MULTIPART_PATHS = /^\/messages\/[^/]+$/;

export interface FormBodyLimits {
  /** application/x-www-form-urlencoded, everywhere. */
  form: number;
  /** multipart/form-data, on MULTIPART_PATHS only; its fields are checked by the page (file contents are not text). */
  multipart: number;
}

/**
 * A form post's body: urlencoded text (checked, see readFormText), or on the pages that take files a multipart body
 * read whole within its own limit.
 */
export async function readFormBody(req: Request, limits: FormBodyLimits): Promise<string | Uint8Array<ArrayBuffer>> {
  const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === MULTIPART_TYPE && MULTIPART_PATHS.test(req.path)) {
    const body = await readLimited(req, limits.multipart);
    return new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.length);
  }
  return readFormText(req, limits.form);
}

async function readLimited(req: Request, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limit) throw new EdgeError("too-large", "declared body over the limit");
  try {
    return await readBody(req, limit);
  } catch (error) {
    if (error instanceof BodyTooLarge) throw new EdgeError("too-large", "body over the limit");
    throw error;
  }
}

/**
 * The text of a form post's body, read whole (up to `limit` bytes) and checked: the portal's forms send
 * application/x-www-form-urlencoded in UTF-8, and nothing else reaches a page's action.
 */
export async function readFormText(req: Request, limit: number): Promise<string> {
  const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== FORM_TYPE) throw new EdgeError("unsupported-media-type", `form body of type ${type || "(none)"}`);
  const body = await readLimited(req, limit);
  if (!isUtf8(body)) throw new EdgeError("bad-request", "form body is not UTF-8");
  const text = body.toString("utf8");
  if (text) checkUrlEncoded(text, "form");
  return text;
}
