import { createHash, randomBytes } from "node:crypto";
import { data, redirect, unstable_parseMultipartFormData, type UploadHandler } from "@remix-run/node";
import { and, eq, gt, lt } from "drizzle-orm";
import { database, type Queryable } from "../../db/connection";
import { messageDrafts, sessions } from "../../db/schema";
import { logAccess } from "~/audit/access-log.server";
import { recordRules } from "~/disclosure/exclusions.server";
import { readCookie, serializeCookie } from "~/identity/cookies.server";
import { notFound, requireAccess, type Access } from "~/identity/access.server";
import { hashToken, sessionSettings, sessionToken } from "~/identity/session.server";
import type { FieldError } from "~/utils/query-fields";
import { attachmentResponse, readAttachment, type AttachmentInput } from "./attachments.server";
import { ATTACHMENT_ACCEPT, ATTACHMENT_MAX_BYTES, ATTACHMENTS_MAX_COUNT, MESSAGE_MAX_CHARACTERS } from "./limits";
import { messageUnits, replyTarget, replyToConversation, sendAgain, writeMessage, type WriteErrors, type WriteOutcome } from "./writing.server";

/**
 * What the writing pages load and do, for the thin route modules: authorize (requireAccess, "message"), act for the
 * subject on screen with the logged-in person as the writer, log it, and redirect (303) to the conversation, or give
 * the form back with its errors and everything typed in it. A post that arrives after the session ran out keeps its
 * text server-side (a draft, bound to that session's person and to an HttpOnly cookie) and sends the person to log
 * in; the form shows the text again afterwards.
 */

export const NEW_MESSAGE_PATH = "/messages/new";
const conversationPath = (id: string) => `/messages/${encodeURIComponent(id)}`;

/** How long a draft waits for its writer to log in again. */
const DRAFT_MINUTES = 60;
/** A text field of the form (the message is at most 4,000 characters: 16 kB of UTF-8); anything longer is cut here. */
const TEXT_FIELD_MAX_BYTES = 256 * 1024;

export const LIMITS = { maxCharacters: MESSAGE_MAX_CHARACTERS, maxFiles: ATTACHMENTS_MAX_COUNT, maxFileMegabytes: ATTACHMENT_MAX_BYTES / (1024 * 1024), accept: ATTACHMENT_ACCEPT };

const writer = (access: Access) => ({ subjectPersonId: access.subjectPersonId, actorPersonId: access.actorPersonId });
const formError = (key: string): FieldError => ({ key: `messages:errors.${key}` });

/** A one-time token for a form: a second submit of the same form finds the first message. */
export function newFormToken(): string {
  return randomBytes(18).toString("base64url");
}

// The form as posted.

export interface PostedForm {
  fields: Record<string, string>;
  files: AttachmentInput[];
  /** The body could not be read as a form (the page says so and shows what it could keep). */
  malformed: boolean;
}

async function collect(stream: AsyncIterable<Uint8Array>, limit: number): Promise<{ bytes: Uint8Array; over: boolean }> {
  const chunks: Uint8Array[] = [];
  let kept = 0;
  // Up to the limit and one byte more (so "over" is known), then the rest is read and dropped: the parts after a
  // file that is too big (the text above all) still arrive.
  for await (const chunk of stream) {
    const room = limit + 1 - kept;
    if (room <= 0) continue;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    chunks.push(part);
    kept += part.length;
  }
  return { bytes: Buffer.concat(chunks, kept), over: kept > limit };
}

/**
 * The fields and files of a form post: multipart (the writing forms, with files) or urlencoded. A file over the limit
 * is kept as its first bytes and marked too large, never stops the parsing; an empty file input is no file.
 */
export async function readPostedForm(request: Request): Promise<PostedForm> {
  const form: PostedForm = { fields: {}, files: [], malformed: false };
  const type = (request.headers.get("Content-Type") ?? "").toLowerCase();
  try {
    if (!type.startsWith("multipart/form-data")) {
      for (const [name, value] of await request.formData()) if (typeof value === "string") form.fields[name] = value;
      return form;
    }
    const handler: UploadHandler = async ({ name, filename, data: stream }) => {
      const isFile = filename !== undefined;
      const { bytes, over } = await collect(stream, isFile ? ATTACHMENT_MAX_BYTES : TEXT_FIELD_MAX_BYTES);
      if (!isFile) {
        if (over) form.malformed = true;
        form.fields[name] = new TextDecoder().decode(bytes);
        return undefined;
      }
      if (name === "attachments" && (filename !== "" || bytes.length > 0)) form.files.push({ fileName: filename, bytes, tooLarge: over });
      return undefined;
    };
    await unstable_parseMultipartFormData(request, handler);
  } catch {
    form.malformed = true;
  }
  return form;
}

// Drafts kept through an expired session.

function draftCookieName(): string {
  return sessionSettings().secureCookie ? "__Host-message-draft" : "message_draft";
}

function draftCookie(token: string, maxAge: number): string {
  return serializeCookie(draftCookieName(), token, { secure: sessionSettings().secureCookie, maxAge });
}

const draftHash = (token: string) => createHash("sha256").update(`message-draft:${token}`).digest("hex");

/**
 * Keeps what was being written when the session ran out, for the person of that (expired, not ended) session; the
 * cookie to find it again. None when there is nothing to keep or no such session (never logged in, or logged out).
 */
async function keepDraft(db: Queryable, request: Request, form: PostedForm, path: string, now: Date): Promise<string | null> {
  const body = form.fields.body ?? "";
  const sessionCookieToken = sessionToken(request);
  if (!sessionCookieToken || body.trim() === "") return null;
  const [expired] = await db
    .select({ personId: sessions.personId, actingForPersonId: sessions.actingForPersonId })
    .from(sessions)
    .where(eq(sessions.idHash, hashToken(sessionCookieToken)));
  if (!expired || form.fields.subject !== expired.actingForPersonId) return null;
  const token = randomBytes(32).toString("base64url");
  await db.delete(messageDrafts).where(lt(messageDrafts.expiresAt, now));
  await db.insert(messageDrafts).values({
    tokenHash: draftHash(token),
    actorPersonId: expired.personId,
    subjectPersonId: expired.actingForPersonId,
    path,
    careUnitId: form.fields.unit || null,
    topicCode: form.fields.topic || null,
    body,
    expiresAt: new Date(now.getTime() + DRAFT_MINUTES * 60_000),
  });
  return draftCookie(token, DRAFT_MINUTES * 60);
}

export interface Draft {
  careUnitId: string | null;
  topicCode: string | null;
  body: string;
}

/** The draft this browser left at `path`, for the same person writing for the same subject; or null. */
export async function readDraft(db: Queryable, request: Request, access: Access, path: string, now: Date): Promise<Draft | null> {
  const token = readCookie(request, draftCookieName());
  if (!token) return null;
  const [draft] = await db
    .select({ careUnitId: messageDrafts.careUnitId, topicCode: messageDrafts.topicCode, body: messageDrafts.body })
    .from(messageDrafts)
    .where(
      and(
        eq(messageDrafts.tokenHash, draftHash(token)),
        eq(messageDrafts.actorPersonId, access.actorPersonId),
        eq(messageDrafts.subjectPersonId, access.subjectPersonId),
        eq(messageDrafts.path, path),
        gt(messageDrafts.expiresAt, now),
      ),
    );
  return draft ?? null;
}

/** Once the message is sent, its draft is no longer needed: removed, and the cookie with it. */
async function clearDraft(db: Queryable, request: Request, access: Access): Promise<HeadersInit | undefined> {
  const token = readCookie(request, draftCookieName());
  if (!token) return undefined;
  await db.delete(messageDrafts).where(and(eq(messageDrafts.tokenHash, draftHash(token)), eq(messageDrafts.actorPersonId, access.actorPersonId)));
  return { "Set-Cookie": draftCookie("", 0) };
}

const isLoginRedirect = (thrown: unknown): thrown is Response =>
  thrown instanceof Response && thrown.status >= 300 && thrown.status < 400 && (thrown.headers.get("Location") ?? "").startsWith("/login");

/**
 * The writer and the form. Without a live session the form is read only to keep its text (a draft) before the login
 * redirect (303, so the browser asks for the page again after logging in).
 */
async function writerAndForm(request: Request, path: string, now: Date): Promise<{ access: Access; form: PostedForm }> {
  let access: Access;
  try {
    access = await requireAccess(request, "message", { now });
  } catch (thrown) {
    if (!isLoginRedirect(thrown)) throw thrown;
    const cookie = await keepDraft(database(), request, await readPostedForm(request), path, now);
    throw redirect(thrown.headers.get("Location")!, { status: 303, headers: cookie ? { "Set-Cookie": cookie } : undefined });
  }
  return { access, form: await readPostedForm(request) };
}

// The pages.

/** The new message's page: the units to choose from, and once one is chosen (`?unit=`), its topics and the form. */
export async function readNewMessagePage(request: Request, now = new Date()) {
  const access = await requireAccess(request, "message", { now });
  const db = database();
  const units = await messageUnits(db, { subjectId: access.subjectPersonId, now });
  const draft = await readDraft(db, request, access, NEW_MESSAGE_PATH, now);
  const asked = new URL(request.url).searchParams.get("unit") || draft?.careUnitId || null;
  const unit = asked ? (units.find((u) => u.id === asked) ?? null) : null;
  await logAccess(db, access, "messages");
  const page = {
    units,
    unit,
    unitError: asked && !unit ? formError("unit_not_allowed") : null,
    subject: access.subjectPersonId,
    formToken: newFormToken(),
    values: { topic: draft?.topicCode ?? "", body: draft?.body ?? "" },
    restored: draft !== null,
    limits: LIMITS,
  };
  return data(page, { status: page.unitError ? 400 : 200 });
}

/** What a writing form gets back when it is refused: the errors and everything typed (files must be chosen again). */
function refused(outcome: Extract<WriteOutcome, { ok: false }>, form: PostedForm, intent: string) {
  return data(
    {
      intent,
      errors: outcome.errors,
      values: { unit: form.fields.unit ?? "", topic: form.fields.topic ?? "", body: form.fields.body ?? "" },
      formToken: form.fields.formToken || newFormToken(),
      filesDropped: form.files.length > 0,
    },
    { status: outcome.errors.form?.key === "messages:errors.conversation_closed" ? 409 : 400 },
  );
}

function malformed(form: PostedForm, intent: string) {
  const errors: WriteErrors = { form: formError("malformed") };
  return refused({ ok: false, errors }, form, intent);
}

/** The form's subject must be the one on screen: a form for another (a tampered or stale page) is not found. */
function checkSubject(form: PostedForm, access: Access) {
  if (form.fields.subject !== access.subjectPersonId) throw notFound();
}

async function sent(db: Queryable, request: Request, access: Access, outcome: Extract<WriteOutcome, { ok: true }>): Promise<never> {
  await logAccess(db, access, "messages");
  throw redirect(conversationPath(outcome.conversationId), { status: 303, headers: await clearDraft(db, request, access) });
}

/** Sends the new message: to its conversation (303), or the form again with the errors and the text. */
export async function newMessageAction(request: Request, now = new Date()) {
  const { access, form } = await writerAndForm(request, NEW_MESSAGE_PATH, now);
  checkSubject(form, access);
  if (form.malformed) return malformed(form, "write");
  const db = database();
  const outcome = await writeMessage(db, writer(access), {
    unitId: form.fields.unit ?? "",
    topicCode: form.fields.topic ?? "",
    body: form.fields.body ?? "",
    attachments: form.files,
    formToken: form.fields.formToken ?? "",
    now,
  });
  if (outcome.ok) return sent(db, request, access, outcome);
  return refused(outcome, form, "write");
}

/**
 * What a conversation's page posts (the read side's route wires it as its action): `reply` (the reply form) or
 * `send-again` (a failed message of the subject's, `outgoing`). Afterwards the conversation; an error comes back to
 * the form with the text; another person's or an unknown conversation or message: 404.
 */
export async function conversationAction(request: Request, conversationId: string | undefined, now = new Date()) {
  if (!conversationId) throw notFound();
  const { access, form } = await writerAndForm(request, conversationPath(conversationId), now);
  checkSubject(form, access);
  const intent = form.fields.intent ?? "";
  if (form.malformed) return malformed(form, intent);
  const db = database();
  let outcome: WriteOutcome;
  if (intent === "reply") {
    outcome = await replyToConversation(db, writer(access), { conversationId, body: form.fields.body ?? "", attachments: form.files, formToken: form.fields.formToken ?? "", now });
  } else if (intent === "send-again") {
    outcome = await sendAgain(db, writer(access), { outgoingId: form.fields.outgoing ?? "" });
  } else {
    return malformed(form, intent);
  }
  if (!outcome.ok && outcome.notFound) throw notFound();
  if (outcome.ok) return sent(db, request, access, outcome);
  return refused(outcome, form, intent);
}

/**
 * What the reply form of a conversation needs (for the conversation page's loader): whether a reply can be written
 * now, and why not; the form's token and subject; the text kept through an expired session, if any.
 */
export async function replyFormState(request: Request, access: Access, conversationId: string, now = new Date()) {
  const db = database();
  const target = await replyTarget(db, { subjectId: access.subjectPersonId, conversationId });
  const draft = await readDraft(db, request, access, conversationPath(conversationId), now);
  return {
    replyable: target.ok,
    refusal: target.ok ? null : formError(target.reason === "closed" ? "conversation_closed" : target.reason === "not_delivered" ? "not_delivered_yet" : "not_found"),
    subject: access.subjectPersonId,
    formToken: newFormToken(),
    body: draft?.body ?? "",
    restored: draft !== null,
    limits: LIMITS,
  };
}

/** An attachment of the subject's messages, as a download; another person's or none: 404. */
export async function downloadAttachment(request: Request, attachmentId: string | undefined, now = new Date()): Promise<Response> {
  const access = await requireAccess(request, "message", { now });
  const db = database();
  const attachment = attachmentId ? await readAttachment(db, { subjectId: access.subjectPersonId, rules: await recordRules(db), id: attachmentId }) : null;
  if (!attachment) throw notFound();
  await logAccess(db, access, "messages", [`Attachment/${attachment.id}`]);
  return attachmentResponse(attachment);
}
