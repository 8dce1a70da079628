import { redirect } from "@remix-run/node";
import { database } from "../../db/connection";
import { logAccess } from "~/audit/access-log.server";
import { recordRules } from "~/disclosure/exclusions.server";
import { notFound, requireAccess } from "~/identity/access.server";
import { findConversation, listConversations, markConversationRead, unreadConversationCount } from "./conversations.server";
import { replyFormState } from "./writing-pages.server";

/**
 * What each page of reading messages loads, for the thin route modules: authorize (requireAccess, "message"), query
 * for the subject on screen, log what was shown, and return plain data. (Writing is the write side's.)
 */

/** `?page=N`: absent is the first page; anything but a whole number from 1 is no page (null). */
function pageOf(request: Request): number | null {
  const raw = new URL(request.url).searchParams.get("page");
  if (raw === null) return 1;
  return /^[1-9]\d{0,5}$/.test(raw) ? Number(raw) : null;
}

/** The inbox: the subject's conversations, newest first, a page at a time. A page that does not exist: 404. */
export async function readInboxPage(request: Request, now = new Date()) {
  const access = await requireAccess(request, "message", { now });
  const page = pageOf(request);
  if (page === null) throw notFound();
  const db = database();
  const { conversations, total, pageCount } = await listConversations(db, { subjectId: access.subjectPersonId, rules: await recordRules(db), page });
  if (page > pageCount) throw notFound();
  await logAccess(db, access, "messages", conversations.map((c) => c.ref));
  return { conversations, total, page, pageCount };
}

/**
 * One conversation, every message in it, logged; opening it marks the care team's messages read (and tells the
 * clinical system). A new message's address turns into the clinical system's thread once its copy has arrived.
 */
export async function readConversationPage(request: Request, id: string | undefined, now = new Date()) {
  const access = await requireAccess(request, "message", { now });
  const db = database();
  const subjectId = access.subjectPersonId;
  const conversation = id ? await findConversation(db, { subjectId, rules: await recordRules(db), id }) : null;
  if (!conversation) throw notFound();
  if (conversation.id !== id) throw redirect(`/messages/${encodeURIComponent(conversation.id)}`);
  await logAccess(db, access, "messages", conversation.messages.map((m) => m.ref));
  await markConversationRead(db, { subjectId, conversation });
  const { unreadIds: _unread, ...shown } = conversation;
  return { conversation: shown, reply: await replyFormState(request, access, conversation.id, now) };
}

/**
 * How many conversations of the subject on screen hold unread care messages, for the page header: null when nobody
 * is logged in or the subject's messages are not theirs to read. A number, no message: not an access-log row.
 */
export async function readUnreadCount(request: Request, now = new Date()): Promise<number | null> {
  const access = await requireAccess(request, "message", { now }).catch((thrown: unknown) => {
    if (thrown instanceof Response) return null;
    throw thrown;
  });
  if (!access) return null;
  const db = database();
  return unreadConversationCount(db, { subjectId: access.subjectPersonId, rules: await recordRules(db) });
}
