import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, gt, lt, ne, or, sql } from "drizzle-orm";
import { config } from "~/config.server";
import type { Queryable } from "../../db/connection";
import { preparedStatement } from "../../db/statements";
import { loginFlows, sessions } from "../../db/schema";
import { readCookie, serializeCookie } from "./cookies.server";

/**
 * Server-side sessions in PostgreSQL, so that every portal process sees the same ones. The cookie carries a random
 * 256-bit token; the table keeps only its SHA-256, which is also the session's opaque id inside the application.
 */

export interface SessionSettings {
  idleMs: number;
  absoluteMs: number;
  /** Secure cookie with the __Host- prefix: always in production, and whenever the portal is served over https. */
  secureCookie: boolean;
}

export function sessionSettings(): SessionSettings {
  const c = config();
  return {
    idleMs: c.SESSION_IDLE_MINUTES * 60_000,
    absoluteMs: c.SESSION_ABSOLUTE_HOURS * 3_600_000,
    secureCookie: c.NODE_ENV === "production" || c.publicOrigin.startsWith("https:"),
  };
}

export function sessionCookieName(settings: Pick<SessionSettings, "secureCookie">): string {
  return settings.secureCookie ? "__Host-session" : "portal_session";
}

export interface SessionRecord {
  sessionId: string;
  personId: string;
  actingForPersonId: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  hideEntriesAfter: Date | null;
  userAgent: string | null;
  data: Record<string, unknown>;
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

export function sessionRecordOf(row: typeof sessions.$inferSelect): SessionRecord {
  return {
    sessionId: row.idHash,
    personId: row.personId,
    actingForPersonId: row.actingForPersonId,
    createdAt: row.createdAt,
    lastSeenAt: row.lastSeenAt,
    expiresAt: row.expiresAt,
    hideEntriesAfter: row.hideEntriesAfter,
    userAgent: row.userAgent,
    data: row.data,
  };
}

export function sessionToken(request: Request, settings: SessionSettings = sessionSettings()): string | null {
  return readCookie(request, sessionCookieName(settings));
}

export function sessionCookie(token: string, settings: SessionSettings): string {
  return serializeCookie(sessionCookieName(settings), token, { secure: settings.secureCookie });
}

export function expiredSessionCookie(settings: SessionSettings): string {
  return serializeCookie(sessionCookieName(settings), "", { secure: settings.secureCookie, maxAge: 0 });
}

export interface NewSession {
  token: string;
  sessionId: string;
  /** The Set-Cookie header value. */
  cookie: string;
}

/**
 * Starts a session for a person who has just logged in, always under a new random token. A session the browser
 * already carried (`previousToken`) is ended, so a token planted before login never becomes a logged-in one.
 */
export async function createSession(
  db: Queryable,
  input: { personId: string; userAgent?: string | null; previousToken?: string | null; now?: Date },
  settings: SessionSettings = sessionSettings(),
): Promise<NewSession> {
  const now = input.now ?? new Date();
  if (input.previousToken) await db.delete(sessions).where(eq(sessions.idHash, hashToken(input.previousToken)));
  await purgeExpiredSessions(db, now, settings);
  const token = newToken();
  const sessionId = hashToken(token);
  await db.insert(sessions).values({
    idHash: sessionId,
    personId: input.personId,
    actingForPersonId: input.personId,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + settings.absoluteMs),
    userAgent: input.userAgent ? input.userAgent.slice(0, 300) : null,
    data: {},
  });
  return { token, sessionId, cookie: sessionCookie(token, settings) };
}

/**
 * How stale `last_seen_at` may get before a request writes it again. Writing it at every request would make every
 * page view a database write; written at most once a minute, an idle limit of 15 minutes holds to within that minute:
 * a session may end a little early, never late.
 */
function touchIntervalMs(settings: Pick<SessionSettings, "idleMs">): number {
  return Math.min(60_000, settings.idleMs / 10);
}

/** A live session, by the placeholders of `liveSessionValues`: its id, not past its absolute lifetime, not idle too long. */
export function liveSessionWhere() {
  return and(
    eq(sessions.idHash, sql.placeholder("idHash")),
    gt(sessions.expiresAt, sql.placeholder("now")),
    gt(sessions.lastSeenAt, sql.placeholder("idleSince")),
  );
}

export function liveSessionValues(token: string, now: Date, settings: Pick<SessionSettings, "idleMs">) {
  // Placeholders skip the columns' encoders: instants go as ISO strings, which both drivers pass to PostgreSQL as text.
  return {
    idHash: hashToken(token),
    now: now.toISOString(),
    idleSince: new Date(now.getTime() - settings.idleMs).toISOString(),
  };
}

/** Looked up by its primary key: at most one row. */
function liveSession(db: Queryable) {
  return preparedStatement(db, "live_session", (d) => d.select().from(sessions).where(liveSessionWhere()).prepare("live_session"));
}

/**
 * The live session behind a token, or null when there is none or it has expired (idle too long, or past its absolute
 * lifetime). Finding it counts as activity: the idle clock restarts (see `keepAlive`).
 */
export async function resolveSession(
  db: Queryable,
  token: string | null,
  now: Date = new Date(),
  settings: SessionSettings = sessionSettings(),
): Promise<SessionRecord | null> {
  if (!token) return null;
  const row = (await liveSession(db).execute(liveSessionValues(token, now, settings)))[0];
  return row ? keepAlive(db, sessionRecordOf(row), now, settings) : null;
}

/**
 * Restarts the idle clock of a session just found live, writing it at most once per touch interval. Conditional on the
 * row still being live, so a process with an older view never revives an ended session.
 */
export async function keepAlive(db: Queryable, session: SessionRecord, now: Date, settings: SessionSettings): Promise<SessionRecord> {
  if (now.getTime() - session.lastSeenAt.getTime() < touchIntervalMs(settings)) return session;
  await db
    .update(sessions)
    .set({ lastSeenAt: now })
    .where(
      and(
        eq(sessions.idHash, session.sessionId),
        gt(sessions.expiresAt, now),
        gt(sessions.lastSeenAt, new Date(now.getTime() - settings.idleMs)),
        lt(sessions.lastSeenAt, now),
      ),
    );
  return { ...session, lastSeenAt: now };
}

/** Ends one session of a person; the person id in the WHERE clause means nobody can end another person's session. */
export async function endSession(db: Queryable, personId: string, sessionId: string): Promise<boolean> {
  const rows = await db
    .delete(sessions)
    .where(and(eq(sessions.idHash, sessionId), eq(sessions.personId, personId)))
    .returning({ id: sessions.idHash });
  return rows.length > 0;
}

/** Ends every session of the person except `keepSessionId`; returns how many were ended. */
export async function endOtherSessions(db: Queryable, personId: string, keepSessionId: string): Promise<number> {
  const rows = await db
    .delete(sessions)
    .where(and(eq(sessions.personId, personId), ne(sessions.idHash, keepSessionId)))
    .returning({ id: sessions.idHash });
  return rows.length;
}

/** The person's sessions that are still alive at `now`, newest activity first. */
export async function listActiveSessions(
  db: Queryable,
  personId: string,
  now: Date = new Date(),
  settings: SessionSettings = sessionSettings(),
): Promise<SessionRecord[]> {
  const rows = await db
    .select()
    .from(sessions)
    .where(
      and(
        eq(sessions.personId, personId),
        gt(sessions.expiresAt, now),
        gt(sessions.lastSeenAt, new Date(now.getTime() - settings.idleMs)),
      ),
    )
    .orderBy(desc(sessions.lastSeenAt));
  return rows.map(sessionRecordOf);
}

export async function setActingFor(db: Queryable, personId: string, sessionId: string, subjectPersonId: string): Promise<void> {
  await db
    .update(sessions)
    .set({ actingForPersonId: subjectPersonId })
    .where(and(eq(sessions.idHash, sessionId), eq(sessions.personId, personId)));
}

/** The "hide new entries" choice: entries recorded after `hideEntriesAfter` are hidden in this session; null shows all. */
export async function setHideEntriesAfter(
  db: Queryable,
  personId: string,
  sessionId: string,
  hideEntriesAfter: Date | null,
): Promise<void> {
  await db
    .update(sessions)
    .set({ hideEntriesAfter, data: sql`${sessions.data} || '{"hideEntriesChosen": true}'::jsonb` })
    .where(and(eq(sessions.idHash, sessionId), eq(sessions.personId, personId)));
}

/** Removes expired sessions and abandoned login flows (run at every login; no separate job needed). */
export async function purgeExpiredSessions(db: Queryable, now: Date, settings: SessionSettings): Promise<void> {
  await db
    .delete(sessions)
    .where(or(lt(sessions.expiresAt, now), lt(sessions.lastSeenAt, new Date(now.getTime() - settings.idleMs))));
  await db.delete(loginFlows).where(lt(loginFlows.expiresAt, now));
}
