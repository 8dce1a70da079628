import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { sessions } from "../../db/schema";
import { createTestDatabase, type TestDatabase } from "../../db/testing";
import {
  createSession,
  endOtherSessions,
  endSession,
  expiredSessionCookie,
  hashToken,
  listActiveSessions,
  resolveSession,
  sessionCookie,
  setHideEntriesAfter,
  type SessionSettings,
} from "./session.server";
import { resolveSessionWithPeople } from "./access.server";
import { createPerson } from "./test-factories";

const settings: SessionSettings = { idleMs: 15 * 60_000, absoluteMs: 8 * 3_600_000, secureCookie: true };
const T0 = new Date("2026-03-15T08:00:00Z");
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

let db: TestDatabase;
let anna: string;
let bo: string;

beforeAll(async () => {
  db = await createTestDatabase();
  anna = (await createPerson(db.db, { givenName: "Anna", birthDate: "1985-04-02" })).id;
  bo = (await createPerson(db.db, { givenName: "Bo", birthDate: "1983-01-20" })).id;
});

afterAll(async () => {
  await db?.destroy();
});

describe("session ids", () => {
  it("are 256 random bits, and only their hash is stored", async () => {
    const a = await createSession(db.db, { personId: anna, now: T0 }, settings);
    const b = await createSession(db.db, { personId: anna, now: T0 }, settings);
    expect(Buffer.from(a.token, "base64url")).toHaveLength(32);
    expect(a.token).not.toBe(b.token);
    expect(a.sessionId).toBe(hashToken(a.token));
    expect(a.sessionId).not.toContain(a.token);
  });

  it("a new id at every login: a token the browser carried before login is ended, never promoted (fixation)", async () => {
    const before = await createSession(db.db, { personId: bo, now: T0 }, settings);
    const after = await createSession(db.db, { personId: anna, previousToken: before.token, now: T0 }, settings);
    expect(after.token).not.toBe(before.token);
    expect(await resolveSession(db.db, before.token, T0, settings)).toBeNull();
    expect((await resolveSession(db.db, after.token, T0, settings))?.personId).toBe(anna);
  });

  it("a token the portal never issued resolves to nothing", async () => {
    expect(await resolveSession(db.db, "planted-by-an-attacker-0123456789abcdefghijk", T0, settings)).toBeNull();
    expect(await resolveSession(db.db, null, T0, settings)).toBeNull();
  });
});

// The same rules for both lookups: resolveSession, and the statement every page runs (with the person and children).
describe.each([
  ["resolveSession", resolveSession],
  ["resolveSessionWithPeople", resolveSessionWithPeople],
] as const)("expiry (%s)", (_name, resolveSession) => {
  it("idle: ends 15 minutes after the last request, and every request restarts the clock", async () => {
    const s = await createSession(db.db, { personId: anna, now: T0 }, settings);
    expect(await resolveSession(db.db, s.token, minutes(14), settings)).not.toBeNull();
    expect(await resolveSession(db.db, s.token, minutes(28), settings)).not.toBeNull();
    expect(await resolveSession(db.db, s.token, minutes(43), settings)).toBeNull();
    // Once expired it stays expired, even if a request somehow came "earlier".
    expect(await resolveSession(db.db, s.token, minutes(43.5), settings)).toBeNull();
  });

  it("a page view writes the idle clock at most once a minute, and the limit still holds to within that minute", async () => {
    const s = await createSession(db.db, { personId: anna, now: T0 }, settings);
    const lastSeen = async () =>
      (await db.db.select({ at: sessions.lastSeenAt }).from(sessions).where(eq(sessions.idHash, s.sessionId)))[0]?.at;
    expect((await resolveSession(db.db, s.token, minutes(0.5), settings))?.personId).toBe(anna);
    expect(await lastSeen()).toEqual(T0);
    expect((await resolveSession(db.db, s.token, minutes(1), settings))?.lastSeenAt).toEqual(minutes(1));
    expect(await lastSeen()).toEqual(minutes(1));
    expect(await resolveSession(db.db, s.token, minutes(1.9), settings)).not.toBeNull();
    expect(await lastSeen()).toEqual(minutes(1));
    // Active at 1.9 but written at 1: idle from there, the session ends at 16, not at 16.9. Early, never late.
    expect(await resolveSession(db.db, s.token, minutes(16), settings)).toBeNull();
  });

  it("absolute: ends 8 hours after login however active the person is", async () => {
    const s = await createSession(db.db, { personId: anna, now: T0 }, settings);
    for (let m = 10; m < 480; m += 10) {
      expect(await resolveSession(db.db, s.token, minutes(m), settings), `at ${m} min`).not.toBeNull();
    }
    expect(await resolveSession(db.db, s.token, minutes(480), settings)).toBeNull();
  });

  it("both limits are settings", async () => {
    const short: SessionSettings = { ...settings, idleMs: 2 * 60_000, absoluteMs: 5 * 60_000 };
    const s = await createSession(db.db, { personId: anna, now: T0 }, short);
    expect(await resolveSession(db.db, s.token, minutes(1.5), short)).not.toBeNull();
    expect(await resolveSession(db.db, s.token, minutes(3), short)).not.toBeNull();
    expect(await resolveSession(db.db, s.token, minutes(5), short)).toBeNull();
    const idle = await createSession(db.db, { personId: anna, now: T0 }, short);
    expect(await resolveSession(db.db, idle.token, minutes(2.5), short)).toBeNull();
  });
});

describe("logout and the sessions list", () => {
  it("logout ends the session on the server", async () => {
    const s = await createSession(db.db, { personId: anna, now: T0 }, settings);
    expect(await endSession(db.db, anna, s.sessionId)).toBe(true);
    expect(await resolveSession(db.db, s.token, minutes(1), settings)).toBeNull();
  });

  it("nobody can end another person's session", async () => {
    const s = await createSession(db.db, { personId: bo, now: T0 }, settings);
    expect(await endSession(db.db, anna, s.sessionId)).toBe(false);
    expect(await resolveSession(db.db, s.token, minutes(1), settings)).not.toBeNull();
  });

  it("lists the person's live sessions and ends all but the current one", async () => {
    const person = (await createPerson(db.db, { givenName: "Cecilia", birthDate: "1970-01-01" })).id;
    const laptop = await createSession(db.db, { personId: person, userAgent: "Firefox", now: T0 }, settings);
    const phone = await createSession(db.db, { personId: person, userAgent: "Safari", now: minutes(5) }, settings);
    const old = await createSession(db.db, { personId: person, now: new Date(T0.getTime() - 3_600_000) }, settings);
    const other = await createSession(db.db, { personId: bo, now: T0 }, settings);
    const listed = await listActiveSessions(db.db, person, minutes(6), settings);
    expect(listed.map((s) => s.sessionId)).toEqual([phone.sessionId, laptop.sessionId]);
    expect(listed.map((s) => s.userAgent)).toEqual(["Safari", "Firefox"]);
    expect(listed.map((s) => s.sessionId)).not.toContain(old.sessionId);

    expect(await endOtherSessions(db.db, person, phone.sessionId)).toBeGreaterThanOrEqual(1);
    expect(await resolveSession(db.db, laptop.token, minutes(7), settings)).toBeNull();
    expect(await resolveSession(db.db, phone.token, minutes(7), settings)).not.toBeNull();
    expect(await resolveSession(db.db, other.token, minutes(7), settings)).not.toBeNull();
  });
});

describe("hide new entries", () => {
  it("is kept per session", async () => {
    const s = await createSession(db.db, { personId: anna, now: T0 }, settings);
    const cutoff = new Date(T0.getTime() - 14 * 86_400_000);
    await setHideEntriesAfter(db.db, anna, s.sessionId, cutoff);
    const resolved = await resolveSession(db.db, s.token, minutes(1), settings);
    expect(resolved?.hideEntriesAfter?.toISOString()).toBe(cutoff.toISOString());
    expect(resolved?.data).toMatchObject({ hideEntriesChosen: true });
    await setHideEntriesAfter(db.db, anna, s.sessionId, null);
    expect((await resolveSession(db.db, s.token, minutes(2), settings))?.hideEntriesAfter).toBeNull();
  });
});

describe("the cookie", () => {
  it("is __Host- prefixed, Secure, HttpOnly and SameSite=Lax when served securely", () => {
    const cookie = sessionCookie("abc", settings);
    expect(cookie).toMatch(/^__Host-session=abc;/);
    expect(cookie).toContain("; Path=/");
    expect(cookie).toContain("; HttpOnly");
    expect(cookie).toContain("; SameSite=Lax");
    expect(cookie).toContain("; Secure");
    expect(cookie).not.toContain("Domain=");
  });
  it("is HttpOnly and SameSite=Lax without the prefix over plain http in development", () => {
    const cookie = sessionCookie("abc", { ...settings, secureCookie: false });
    expect(cookie).toMatch(/^portal_session=abc;/);
    expect(cookie).toContain("; HttpOnly");
    expect(cookie).toContain("; SameSite=Lax");
    expect(cookie).not.toContain("Secure");
  });
  it("is removed at logout", () => {
    expect(expiredSessionCookie(settings)).toMatch(/^__Host-session=;.*Max-Age=0/);
  });
});
