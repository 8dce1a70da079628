import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf, setDatabase } from "../../db/connection";
import { createTestDatabase, type TestDatabase } from "../../db/testing";
import { loadDemoData } from "~/feed/demo/load.server";
import { swedishMidnight } from "~/i18n/dates";
import { createSession, setActingFor } from "~/identity/session.server";
import { requestWithCookie } from "~/identity/test-factories";
import { readConversationPage, readInboxPage, readUnreadCount } from "./pages.server";

/**
 * Who may read whose messages, over the demo's people, through the pages (a real session, requireAccess "message"),
 * with the clock set: the person themself, a guardian for a child under 13 (to the day before the 13th birthday, old
 * conversations included), never a guardian of a protected child or a blocked guardian. Refused: 404, the same answer
 * as for a conversation that is not theirs. Every read in the access log.
 */

const cast = {
  anna: "10000001",
  johan: "10000002",
  karin: "10000003",
  elsa: "10000005",
  oskar: "10000006",
  maja: "10000007",
  lina: "10000010",
  mikael: "10000011",
  theo: "10000012",
  nadia: "10000013",
  protectedChild: "10000014",
  leo: "10000016",
};

let database: TestDatabase;
let oskarTurns13: Date;

beforeAll(async () => {
  database = await createTestDatabase();
  setDatabase(database);
  await loadDemoData(database.db, { today: new Date(), patients: 0 });
  const [oskar] = rowsOf<{ birth_date: string | Date }>(await database.db.execute(sql`select birth_date from people where id = ${cast.oskar}`));
  const born = typeof oskar!.birth_date === "string" ? oskar!.birth_date.slice(0, 10) : oskar!.birth_date.toISOString().slice(0, 10);
  oskarTurns13 = swedishMidnight(`${Number(born.slice(0, 4)) + 13}${born.slice(4)}`);
}, 120_000);

afterAll(async () => {
  setDatabase(undefined);
  await database?.destroy();
});

/** A session of `personId` acting for `subject`, begun at `now`. */
async function as(personId: string, subject: string, now: Date) {
  const session = await createSession(database.db, { personId, now });
  if (subject !== personId) await setActingFor(database.db, personId, session.sessionId, subject);
  return { get: (path: string) => requestWithCookie(path, session.cookie) };
}

async function status(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
    return 200;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown.status;
    throw thrown;
  }
}

async function threadsOf(personId: string): Promise<string[]> {
  const rows = rowsOf<{ thread_id: string }>(await database.db.execute(sql`select distinct thread_id from messages where person_id = ${personId} order by 1`));
  return rows.map((r) => r.thread_id);
}

interface Logged {
  section: string;
  refs: string[] | null;
  actor: string;
  acting_as: string;
}

async function lastLogged(subject: string): Promise<Logged | undefined> {
  const rows = rowsOf<Logged>(
    await database.db.execute(
      sql`select section, resource_refs as refs, actor_person_id as actor, acting_as from access_log where subject_person_id = ${subject} order by id desc limit 1`,
    ),
  );
  return rows[0];
}

async function loggedCount(subject: string): Promise<number> {
  return rowsOf<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from access_log where subject_person_id = ${subject}`))[0]!.n;
}

describe("who may read whose messages", () => {
  it("lets a person read their own conversations, each read logged with every message shown", async () => {
    const s = await as(cast.anna, cast.anna, new Date());
    const inbox = await readInboxPage(s.get("/messages"));
    expect(inbox.conversations.map((c) => c.id).sort()).toEqual(await threadsOf(cast.anna));
    expect(await lastLogged(cast.anna)).toEqual({ section: "messages", refs: inbox.conversations.map((c) => c.ref), actor: cast.anna, acting_as: "self" });
    const first = inbox.conversations[0]!;
    const { conversation } = await readConversationPage(s.get(`/messages/${first.id}`), first.id);
    expect(conversation.messages.length).toBeGreaterThan(0);
    expect(await lastLogged(cast.anna)).toEqual({ section: "messages", refs: conversation.messages.map((m) => m.ref), actor: cast.anna, acting_as: "self" });
  });

  it("lets a guardian read a child's conversations up to the day before the 13th birthday, old ones included; then 404", async () => {
    const [thread] = await threadsOf(cast.oskar);
    const before = new Date(oskarTurns13.getTime() - 1);
    const s = await as(cast.johan, cast.oskar, before);
    const inbox = await readInboxPage(s.get("/messages"), before);
    expect(inbox.conversations.map((c) => c.id)).toEqual([thread]);
    const { conversation } = await readConversationPage(s.get(`/messages/${thread}`), thread, before);
    // Karin wrote it on Oskar's behalf.
    expect(conversation.messages[0]?.author).toEqual({ kind: "guardian", name: "Karin Lindqvist" });
    expect(await lastLogged(cast.oskar)).toMatchObject({ section: "messages", actor: cast.johan, acting_as: "guardian" });

    const logged = await loggedCount(cast.oskar);
    const after = await as(cast.johan, cast.oskar, oskarTurns13);
    expect(await status(readInboxPage(after.get("/messages"), oskarTurns13))).toBe(404);
    expect(await status(readConversationPage(after.get(`/messages/${thread}`), thread, oskarTurns13))).toBe(404);
    expect(await readUnreadCount(after.get("/"), oskarTurns13)).toBeNull();
    expect(await loggedCount(cast.oskar)).toBe(logged);
  });

  it("refuses a guardian of a 13-year-old, of a protected child, and a blocked guardian; the other guardian may", async () => {
    for (const [guardian, child] of [
      [cast.johan, cast.maja],
      [cast.nadia, cast.protectedChild],
      [cast.mikael, cast.theo],
    ] as const) {
      const s = await as(guardian, child, new Date());
      const logged = await loggedCount(child);
      expect(await status(readInboxPage(s.get("/messages")))).toBe(404);
      for (const thread of await threadsOf(child)) expect(await status(readConversationPage(s.get(`/messages/${thread}`), thread))).toBe(404);
      expect(await readUnreadCount(s.get("/"))).toBeNull();
      expect(await loggedCount(child)).toBe(logged);
    }
    const lina = await as(cast.lina, cast.theo, new Date());
    expect(await status(readInboxPage(lina.get("/messages")))).toBe(200);
  });

  it("lets a young person of 14 read their own messages", async () => {
    const s = await as(cast.leo, cast.leo, new Date());
    const inbox = await readInboxPage(s.get("/messages"));
    expect(inbox.conversations.map((c) => c.id)).toEqual(await threadsOf(cast.leo));
  });

  it("answers 404 for another person's conversation, as for one that does not exist", async () => {
    const [annas] = await threadsOf(cast.anna);
    const [elsas] = await threadsOf(cast.elsa);
    const s = await as(cast.johan, cast.elsa, new Date());
    expect(await status(readConversationPage(s.get(`/messages/${annas}`), annas))).toBe(404);
    expect(await status(readConversationPage(s.get("/messages/no-such"), "no-such"))).toBe(404);
    expect(await status(readConversationPage(s.get(`/messages/${elsas}`), elsas))).toBe(200);
  });

  it("opening a conversation marks it read: the header's count goes down", async () => {
    const opened = async () =>
      rowsOf<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from clinical_outbox where kind = 'message.status' and subject_person_id = ${cast.anna}`))[0]!.n;
    const rowsBefore = await opened();
    const s = await as(cast.anna, cast.anna, new Date());
    const before = await readUnreadCount(s.get("/"));
    expect(before).toBeGreaterThan(0);
    const unread = (await readInboxPage(s.get("/messages"))).conversations.find((c) => c.unread)!;
    await readConversationPage(s.get(`/messages/${unread.id}`), unread.id);
    expect(await readUnreadCount(s.get("/"))).toBe(before! - 1);
    expect(await opened()).toBe(rowsBefore + 1);
    // Opened again: nothing more to tell the clinical system.
    await readConversationPage(s.get(`/messages/${unread.id}`), unread.id);
    expect(await opened()).toBe(rowsBefore + 1);
  });

  it("addresses a new message by its outgoing row until the clinical copy arrives, then redirects to the clinical thread", async () => {
    const [thread] = await threadsOf(cast.leo);
    const [row] = rowsOf<{ id: string }>(
      await database.db.execute(sql`
        insert into outgoing_messages (person_id, actor_person_id, care_unit_id, topic_code, topic, body, form_token, state)
        select ${cast.leo}, ${cast.leo}, care_unit_id, 'question', 'Ny fråga', 'Hej igen', 'token-1', 'delivered' from messages where id = ${thread}
        returning id::text`),
    );
    const s = await as(cast.leo, cast.leo, new Date());
    const inbox = await readInboxPage(s.get("/messages"));
    expect(inbox.conversations[0]).toMatchObject({ id: row!.id, ref: `OutgoingMessage/${row!.id}`, topic: "Ny fråga" });
    const { conversation } = await readConversationPage(s.get(`/messages/${row!.id}`), row!.id);
    expect(conversation.messages.map((m) => [m.ref, m.body, m.status])).toEqual([[`OutgoingMessage/${row!.id}`, "Hej igen", "delivered"]]);
    expect(await lastLogged(cast.leo)).toMatchObject({ refs: [`OutgoingMessage/${row!.id}`] });
    // The clinical system's copy is the thread's root message.
    await database.db.execute(sql`update outgoing_messages set clinical_message_id = ${thread} where id = ${row!.id}::uuid`);
    const thrown = await readConversationPage(s.get(`/messages/${row!.id}`), row!.id).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(Response);
    expect((thrown as Response).headers.get("Location")).toBe(`/messages/${thread}`);
  });

  it("answers the inbox's pages: none past the last, none but whole numbers from 1", async () => {
    const s = await as(cast.anna, cast.anna, new Date());
    expect(await status(readInboxPage(s.get("/messages?page=1")))).toBe(200);
    for (const page of ["2", "0", "-1", "x", "1.5", ""]) expect(await status(readInboxPage(s.get(`/messages?page=${page}`))), page).toBe(404);
  });
});
