import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setDatabase } from "../../db/connection";
import { accessLog, careUnits, messageAttachments, messageDrafts, messages, outgoingMessages } from "../../db/schema";
import { createTestDatabase, type TestDatabase } from "../../db/testing";
import { requireAccess } from "~/identity/access.server";
import { createSession, setActingFor } from "~/identity/session.server";
import { createGuardianship, createPerson } from "~/identity/test-factories";
import { createCareUnit, createMessage } from "~/record/test-factories";
import { DEFAULT_EXCLUDED_UNITS, recordRules } from "~/disclosure/exclusions.server";
import { findConversation } from "./conversations.server";
import { ATTACHMENT_MAX_BYTES } from "./limits";
import { PDF, PNG } from "./test-files";
import { conversationAction, downloadAttachment, newMessageAction, readNewMessagePage, replyFormState } from "./writing-pages.server";

/**
 * The writing pages through the one authorization path (a real session cookie, requireAccess "message") with real
 * Request objects, multipart bodies made by FormData: what comes back on every refusal (the text, always), a file
 * too big that keeps the text, and a draft kept through an expired session and login.
 */

let db: TestDatabase;
const people = {} as Record<"anna" | "bo" | "child", { id: string }>;
let unitId: string;
let closedUnit: string;
/** A unit whose messages are not shown online (the default exclusions). */
let hiddenUnit: string;

/** A session's cookie pair ("name=value"), and requests carrying it (and any other cookies). */
async function sessionFor(personId: string, now = new Date()) {
  const s = await createSession(db.db, { personId, now });
  return { token: s.token, cookie: s.cookie.split(";")[0]! };
}

function request(path: string, cookies: (string | null)[], init: RequestInit = {}): Request {
  const headers = new Headers(init.headers);
  const cookie = cookies.filter(Boolean).join("; ");
  if (cookie) headers.set("Cookie", cookie);
  return new Request(`http://localhost:3000${path}`, { ...init, headers });
}

function multipart(fields: Record<string, string>, files: { name: string; bytes: Uint8Array; type?: string }[] = []): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const f of files) form.append("attachments", new Blob([new Uint8Array(f.bytes)], { type: f.type ?? "application/octet-stream" }), f.name);
  return form;
}

type Outcome = { status: number; location?: string | null; cookies?: string[]; body?: Record<string, unknown>; response?: Response };
async function outcome(promise: Promise<unknown>): Promise<Outcome> {
  try {
    const value = (await promise) as { data?: unknown; init?: { status?: number } | null } | Response;
    if (value instanceof Response) return { status: value.status, response: value };
    return { status: value?.init?.status ?? 200, body: (value?.data ?? value) as Record<string, unknown> };
  } catch (thrown) {
    if (thrown instanceof Response) return { status: thrown.status, location: thrown.headers.get("Location"), cookies: thrown.headers.getSetCookie() };
    throw thrown;
  }
}

let tokens = 0;
const formToken = () => `page-form-token-${String(++tokens).padStart(6, "0")}`;

beforeAll(async () => {
  db = await createTestDatabase();
  setDatabase(db);
  const d = db.db;
  people.anna = await createPerson(d, { givenName: "Anna", birthDate: "1980-01-01" });
  people.bo = await createPerson(d, { givenName: "Bo", birthDate: "1970-01-01" });
  const fiveYearsAgo = new Date();
  fiveYearsAgo.setUTCFullYear(fiveYearsAgo.getUTCFullYear() - 5);
  people.child = await createPerson(d, { givenName: "Elsa", birthDate: fiveYearsAgo.toISOString().slice(0, 10) });
  await createGuardianship(d, { childPersonId: people.child.id, guardianPersonId: people.anna.id });
  unitId = await createCareUnit(d, { name: "Vårdcentralen Öppen", providerKind: "region" });
  closedUnit = await createCareUnit(d, { name: "Stängda kliniken", providerKind: "private" });
  hiddenUnit = await createCareUnit(d, { id: DEFAULT_EXCLUDED_UNITS[0], name: "Barnahus", providerKind: "region" });
  await d.update(careUnits).set({ openMessaging: true, answerWorkingDays: 3 }).where(eq(careUnits.id, unitId));
});

afterAll(async () => {
  setDatabase(undefined);
  await db?.destroy();
});

describe("a new message", () => {
  it("the page lists the units; ?unit= chooses one; a unit the subject may not write to is an error next to the unit", async () => {
    const anna = await sessionFor(people.anna.id);
    const list = await outcome(readNewMessagePage(request("/messages/new", [anna.cookie])));
    expect(list.status).toBe(200);
    expect((list.body!.units as { id: string }[]).map((u) => u.id)).toEqual([unitId]);
    expect(list.body!.unit).toBeNull();
    const chosen = await outcome(readNewMessagePage(request(`/messages/new?unit=${unitId}`, [anna.cookie])));
    expect(chosen.body).toMatchObject({ unit: { id: unitId, answerWorkingDays: 3 }, subject: people.anna.id, unitError: null });
    expect(chosen.body!.formToken).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const refused = await outcome(readNewMessagePage(request(`/messages/new?unit=${closedUnit}`, [anna.cookie])));
    expect(refused).toMatchObject({ status: 400, body: { unit: null, unitError: { key: "messages:errors.unit_not_allowed" } } });
    expect(await outcome(readNewMessagePage(request("/messages/new", [null])))).toMatchObject({ status: 302, location: "/login?returnTo=%2Fmessages%2Fnew" });
  });

  it("sent with a file: 303 to its conversation, the row and the attachment stored, the writing logged", async () => {
    const anna = await sessionFor(people.anna.id);
    const body = multipart({ subject: people.anna.id, formToken: formToken(), unit: unitId, topic: "question", body: "Se bilden <b>här</b>\r\n😀" }, [{ name: "utslag.jpg", bytes: PNG, type: "image/jpeg" }]);
    const sent = await outcome(newMessageAction(request("/messages/new", [anna.cookie], { method: "POST", body })));
    expect(sent.status).toBe(303);
    const id = sent.location!.replace("/messages/", "");
    const [row] = await db.db.select().from(outgoingMessages).where(eq(outgoingMessages.id, id));
    expect(row).toMatchObject({ body: "Se bilden <b>här</b>\r\n😀", careUnitId: unitId, personId: people.anna.id, actorPersonId: people.anna.id });
    const files = await db.db.select().from(messageAttachments).where(eq(messageAttachments.outgoingMessageId, id));
    expect(files.map((f) => [f.fileName, f.contentType])).toEqual([["utslag.jpg", "image/png"]]);
    const logged = await db.db.select().from(accessLog).where(eq(accessLog.subjectPersonId, people.anna.id));
    expect(logged.map((l) => l.section)).toContain("messages");
  });

  it("refused: the errors next to their fields, and everything typed comes back (the files to be chosen again)", async () => {
    const anna = await sessionFor(people.anna.id);
    const typed = "  Hej!\r\nJag undrar över <script>x</script> ";
    const token = formToken();
    const body = multipart({ subject: people.anna.id, formToken: token, unit: unitId, topic: "nope", body: typed }, [{ name: "fil.png", bytes: new Uint8Array(Buffer.from("<svg/>")) }]);
    const refused = await outcome(newMessageAction(request("/messages/new", [anna.cookie], { method: "POST", body })));
    expect(refused).toMatchObject({
      status: 400,
      body: {
        errors: { topic: { key: "messages:errors.topic_not_of_unit" }, attachments: { key: "messages:errors.attachment_type", values: { names: "fil.png" } } },
        values: { unit: unitId, topic: "nope", body: typed },
        formToken: token,
        filesDropped: true,
      },
    });
    const tooLong = await outcome(
      newMessageAction(request("/messages/new", [anna.cookie], { method: "POST", body: multipart({ subject: people.anna.id, formToken: token, unit: unitId, topic: "other", body: "x".repeat(4010) }) })),
    );
    expect(tooLong).toMatchObject({ status: 400, body: { errors: { body: { key: "messages:errors.body_too_long", values: { count: 10 } } }, filesDropped: false } });
    expect((tooLong.body!.values as { body: string }).body).toHaveLength(4010);
  });

  it("a file over 10 MB is refused next to the file field, and the text still comes back", async () => {
    const anna = await sessionFor(people.anna.id);
    const big = new Uint8Array(ATTACHMENT_MAX_BYTES + 1);
    big.set(PNG);
    // The text after the file in the body: the parser went on past the file that was too big.
    const form = new FormData();
    form.append("subject", people.anna.id);
    form.append("formToken", formToken());
    form.append("attachments", new Blob([big]), "stor.png");
    form.append("unit", unitId);
    form.append("topic", "other");
    form.append("body", "Texten efter den stora filen");
    const refused = await outcome(newMessageAction(request("/messages/new", [anna.cookie], { method: "POST", body: form })));
    expect(refused).toMatchObject({
      status: 400,
      body: { errors: { attachments: { key: "messages:errors.attachment_too_large", values: { names: "stor.png" } } }, values: { body: "Texten efter den stora filen", unit: unitId, topic: "other" } },
    });
  });

  it("another subject's form (tampered or stale) is not found, and writes nothing", async () => {
    const anna = await sessionFor(people.anna.id);
    const body = multipart({ subject: people.bo.id, formToken: formToken(), unit: unitId, topic: "other", body: "för någon annan" });
    expect((await outcome(newMessageAction(request("/messages/new", [anna.cookie], { method: "POST", body })))).status).toBe(404);
    expect(await db.db.select().from(outgoingMessages).where(eq(outgoingMessages.body, "för någon annan"))).toEqual([]);
  });

  it("a session that ran out while writing: the text is kept, login brings the form back with it, sending clears it", async () => {
    const now = new Date();
    const expired = await sessionFor(people.anna.id, new Date(now.getTime() - 9 * 3_600_000));
    const typed = "Det här skrev jag i en halvtimme.\r\nRad två.";
    const body = multipart({ subject: people.anna.id, formToken: formToken(), unit: unitId, topic: "prescription", body: typed });
    const kept = await outcome(newMessageAction(request("/messages/new", [expired.cookie], { method: "POST", body }), now));
    expect(kept).toMatchObject({ status: 303, location: "/login?returnTo=%2Fmessages%2Fnew" });
    const draftCookie = kept.cookies!.find((c) => c.startsWith("message_draft="))!;
    expect(draftCookie).toMatch(/HttpOnly/);
    expect(draftCookie).toMatch(/SameSite=Lax/);
    const draftPair = draftCookie.split(";")[0]!;
    const [stored] = await db.db.select().from(messageDrafts);
    expect(stored).toMatchObject({ actorPersonId: people.anna.id, subjectPersonId: people.anna.id, body: typed, careUnitId: unitId, topicCode: "prescription" });
    expect(stored!.tokenHash).not.toContain(draftPair.split("=")[1]!);

    // Someone else logging in on that browser does not get it.
    const bo = await sessionFor(people.bo.id, now);
    expect(await outcome(readNewMessagePage(request("/messages/new", [bo.cookie, draftPair]), now))).toMatchObject({ body: { restored: false, values: { body: "" } } });

    const again = await createSession(db.db, { personId: people.anna.id, previousToken: expired.token, now });
    const cookie = again.cookie.split(";")[0]!;
    const page = await outcome(readNewMessagePage(request("/messages/new", [cookie, draftPair]), now));
    expect(page.body).toMatchObject({ restored: true, unit: { id: unitId }, values: { topic: "prescription", body: typed } });

    const sent = await outcome(
      newMessageAction(request("/messages/new", [cookie, draftPair], { method: "POST", body: multipart({ subject: people.anna.id, formToken: formToken(), unit: unitId, topic: "prescription", body: typed }) }), now),
    );
    expect(sent.status).toBe(303);
    expect(sent.cookies!.some((c) => c.startsWith("message_draft=;") && c.includes("Max-Age=0"))).toBe(true);
    expect(await db.db.select().from(messageDrafts)).toEqual([]);
  });

  it("a guardian writes for their child: the child's conversation, the guardian as the writer", async () => {
    const s = await createSession(db.db, { personId: people.anna.id });
    await setActingFor(db.db, people.anna.id, s.sessionId, people.child.id);
    const cookie = s.cookie.split(";")[0]!;
    const body = multipart({ subject: people.child.id, formToken: formToken(), unit: unitId, topic: "other", body: "Elsa har feber" });
    const sent = await outcome(newMessageAction(request("/messages/new", [cookie], { method: "POST", body })));
    expect(sent.status).toBe(303);
    const [row] = await db.db.select().from(outgoingMessages).where(eq(outgoingMessages.body, "Elsa har feber"));
    expect(row).toMatchObject({ personId: people.child.id, actorPersonId: people.anna.id });
    // The guardian's own form, posted while acting for the child (a stale page): not found.
    const stale = multipart({ subject: people.anna.id, formToken: formToken(), unit: unitId, topic: "other", body: "fel person" });
    expect((await outcome(newMessageAction(request("/messages/new", [cookie], { method: "POST", body: stale })))).status).toBe(404);
  });

  it("without any session (never logged in, or logged out) nothing is kept: to the login", async () => {
    const body = multipart({ subject: people.anna.id, formToken: formToken(), unit: unitId, topic: "other", body: "ingen session" });
    const answer = await outcome(newMessageAction(request("/messages/new", [], { method: "POST", body })));
    expect(answer).toMatchObject({ status: 303, location: "/login?returnTo=%2Fmessages%2Fnew", cookies: [] });
  });
});

describe("a conversation's actions", () => {
  let thread: string;
  beforeAll(async () => {
    thread = (await createMessage(db.db, { personId: people.anna.id, sentAt: new Date(Date.now() - 86_400_000), topic: "Recept", direction: "care", careUnitId: unitId })).split("/")[1]!;
  });

  const post = (cookie: string, id: string, fields: Record<string, string>, files: { name: string; bytes: Uint8Array }[] = []) =>
    outcome(conversationAction(request(`/messages/${id}`, [cookie], { method: "POST", body: multipart(fields, files) }), id));

  it("a reply: 303 to the conversation; refused, the text comes back; closed, 409 with the text", async () => {
    const anna = await sessionFor(people.anna.id);
    expect(await post(anna.cookie, thread, { intent: "reply", subject: people.anna.id, formToken: formToken(), body: "Tack!" }, [{ name: "a.png", bytes: PNG }])).toMatchObject({ status: 303, location: `/messages/${thread}` });
    expect(await post(anna.cookie, thread, { intent: "reply", subject: people.anna.id, formToken: formToken(), body: "   " })).toMatchObject({
      status: 400,
      body: { intent: "reply", errors: { body: { key: "messages:errors.body_empty" } }, values: { body: "   " } },
    });
    await db.db.update(messages).set({ canReply: false }).where(eq(messages.id, thread));
    expect(await post(anna.cookie, thread, { intent: "reply", subject: people.anna.id, formToken: formToken(), body: "Hallå?" })).toMatchObject({
      status: 409,
      body: { errors: { form: { key: "messages:errors.conversation_closed" } }, values: { body: "Hallå?" } },
    });
    await db.db.update(messages).set({ canReply: true }).where(eq(messages.id, thread));
  });

  it("a reply written as the session ran out comes back in the reply form after login", async () => {
    const now = new Date();
    const expired = await sessionFor(people.anna.id, new Date(now.getTime() - 9 * 3_600_000));
    const kept = await outcome(
      conversationAction(request(`/messages/${thread}`, [expired.cookie], { method: "POST", body: multipart({ intent: "reply", subject: people.anna.id, formToken: formToken(), body: "Mitt långa svar" }) }), thread, now),
    );
    expect(kept).toMatchObject({ status: 303, location: `/login?returnTo=${encodeURIComponent(`/messages/${thread}`)}` });
    const draftPair = kept.cookies![0]!.split(";")[0]!;
    const again = await createSession(db.db, { personId: people.anna.id, previousToken: expired.token, now });
    const loggedIn = request(`/messages/${thread}`, [again.cookie.split(";")[0]!, draftPair]);
    const access = await requireAccess(loggedIn, "message", { now });
    expect(await replyFormState(loggedIn, access, thread, now)).toMatchObject({ replyable: true, restored: true, body: "Mitt långa svar", subject: people.anna.id });
    // Not on another conversation's page.
    expect(await replyFormState(loggedIn, access, "another-thread", now)).toMatchObject({ replyable: false, restored: false, body: "" });
  });

  it("another person's conversation, an unknown one, a tampered subject: 404; an unknown intent: 400", async () => {
    const bo = await sessionFor(people.bo.id);
    expect((await post(bo.cookie, thread, { intent: "reply", subject: people.bo.id, formToken: formToken(), body: "Hej" })).status).toBe(404);
    expect((await post(bo.cookie, "no-such", { intent: "reply", subject: people.bo.id, formToken: formToken(), body: "Hej" })).status).toBe(404);
    const anna = await sessionFor(people.anna.id);
    expect((await post(anna.cookie, thread, { intent: "reply", subject: people.bo.id, formToken: formToken(), body: "Hej" })).status).toBe(404);
    expect(await post(anna.cookie, thread, { intent: "delete-everything", subject: people.anna.id, body: "Hej" })).toMatchObject({ status: 400, body: { errors: { form: { key: "messages:errors.malformed" } } } });
  });

  it("send again: a failed message of the subject's is sent anew; anyone else's is not found", async () => {
    const anna = await sessionFor(people.anna.id);
    const [failed] = await db.db
      .insert(outgoingMessages)
      .values({ personId: people.anna.id, actorPersonId: people.anna.id, careUnitId: unitId, threadId: thread, replyToId: thread, topicCode: "reply", topic: "Recept", body: "Kom inte fram", formToken: formToken(), state: "failed" })
      .returning({ id: outgoingMessages.id });
    const bo = await sessionFor(people.bo.id);
    expect((await post(bo.cookie, thread, { intent: "send-again", subject: people.bo.id, outgoing: failed!.id })).status).toBe(404);
    expect(await post(anna.cookie, thread, { intent: "send-again", subject: people.anna.id, outgoing: failed!.id })).toMatchObject({ status: 303, location: `/messages/${thread}` });
    const again = await db.db.select().from(outgoingMessages).where(eq(outgoingMessages.resentFrom, failed!.id));
    expect(again.map((r) => [r.body, r.state])).toEqual([["Kom inte fram", "sending"]]);
  });
});

describe("an attachment's download", () => {
  it("is the subject's file as its sniffed type, as a download, not kept; another person's is not found", async () => {
    const anna = await sessionFor(people.anna.id);
    const [file] = await db.db.select().from(messageAttachments).where(eq(messageAttachments.personId, people.anna.id)).limit(1);
    const got = await outcome(downloadAttachment(request(`/messages/attachments/${file!.id}`, [anna.cookie]), file!.id));
    expect(got.status).toBe(200);
    const headers = got.response!.headers;
    expect(headers.get("Content-Type")).toBe("image/png");
    expect(headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(headers.get("Cache-Control")).toBe("no-store");
    expect(headers.get("Content-Disposition")).toMatch(/^attachment; filename="[^"]+"; filename\*=UTF-8''/);
    expect(Buffer.from(await got.response!.arrayBuffer()).equals(Buffer.from(PNG))).toBe(true);
    const logged = await db.db.select().from(accessLog).where(eq(accessLog.subjectPersonId, people.anna.id));
    expect(logged.some((l) => l.resourceRefs?.includes(`Attachment/${file!.id}`))).toBe(true);

    const bo = await sessionFor(people.bo.id);
    expect((await outcome(downloadAttachment(request(`/messages/attachments/${file!.id}`, [bo.cookie]), file!.id))).status).toBe(404);
    expect((await outcome(downloadAttachment(request("/messages/attachments/x", [anna.cookie]), "x"))).status).toBe(404);
  });

  it("serves the care team's file with its message; not once the message is deleted, nor from a unit not shown online", async () => {
    const anna = await sessionFor(people.anna.id);
    const careMessage = async (careUnitId: string) =>
      (await createMessage(db.db, { personId: people.anna.id, sentAt: new Date(), topic: "Provsvar", direction: "care", careUnitId })).slice("Communication/".length);
    const keptWith = async (messageId: string) => {
      const [file] = await db.db
        .insert(messageAttachments)
        .values({ messageId, clinicalAttachmentId: "1", personId: people.anna.id, fileName: "provsvar", contentType: "application/pdf", size: PDF.length, sha256: "-", content: Buffer.from(PDF) })
        .returning({ id: messageAttachments.id });
      return file!.id;
    };
    const download = async (id: string) => outcome(downloadAttachment(request(`/messages/attachments/${id}`, [anna.cookie]), id));

    const shown = await careMessage(unitId);
    const file = await keptWith(shown);
    const conversation = await findConversation(db.db, { subjectId: people.anna.id, rules: await recordRules(db.db), id: shown });
    expect(conversation?.messages[0]?.attachments).toEqual([{ id: file, fileName: "provsvar", contentType: "application/pdf", size: PDF.length }]);
    const got = await download(file);
    expect(got.status).toBe(200);
    expect(got.response!.headers.get("Content-Type")).toBe("application/pdf");
    // Offered with the ending its content has.
    expect(got.response!.headers.get("Content-Disposition")).toContain('filename="provsvar.pdf"');

    await db.db.update(messages).set({ deletedAt: new Date() }).where(eq(messages.id, shown));
    expect((await download(file)).status).toBe(404);

    expect((await download(await keptWith(await careMessage(hiddenUnit)))).status).toBe(404);
  });
});
