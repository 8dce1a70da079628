import { redirect } from "@remix-run/node";
import { and, eq, isNotNull, isNull, or, sql, type Placeholder, type SQL } from "drizzle-orm";
import { database, type Queryable } from "../../db/connection";
import { guardianships, people, personLinks, sessions } from "../../db/schema";
import { jsonValue, preparedStatement, runNamed } from "../../db/statements";
import { swedishDate } from "~/i18n/dates";
import {
  birthDateFromIdentityNumber,
  guardianRefusal,
  ownCapabilities,
  type Capability,
  type GuardianRefusal,
  type GuardianshipFacts,
  type SubjectFacts,
} from "./rules";
import { oncePerRequest, rememberForRequest } from "~/utils/request-scope.server";
import {
  keepAlive,
  liveSessionValues,
  liveSessionWhere,
  sessionSettings,
  sessionToken,
  setActingFor,
  type SessionRecord,
  type SessionSettings,
} from "./session.server";

/**
 * The one authorization path for patient data. Every loader and action that reads or changes a patient's data starts
 * with `requireAccess(request, capability)`, and passes `access.subjectPersonId` to every query it makes.
 */

export type { Capability } from "./rules";

export interface Access {
  /** Opaque, not the cookie value. */
  sessionId: string;
  /** Who is logged in (people.id). */
  actorPersonId: string;
  /** Whose data is on screen (people.id). */
  subjectPersonId: string;
  actingAs: "self" | "guardian";
  /** Entries recorded after this are hidden in this session. */
  hideEntriesAfter: Date | null;
}

export interface SessionInfo {
  sessionId: string;
  personId: string;
  actingForPersonId: string;
  hideEntriesAfter: Date | null;
}

export interface Decision {
  actingAs: "self" | "guardian";
  capabilities: Capability[];
  /** Why a guardian may not act for the subject, when they may not. */
  refusal: GuardianRefusal | null;
}

/**
 * The request's live session (or null), touching its idle clock; looked up once per request. In the same statement:
 * the logged-in person and the children they are recorded as guardian of, which the page header and the access check
 * ask for next (kept for the request; see `sessionWithPeople`).
 */
export function currentSession(request: Request, now: Date = new Date()): Promise<SessionRecord | null> {
  const settings = sessionSettings();
  const token = sessionToken(request, settings);
  if (!token) return Promise.resolve(null);
  return oncePerRequest("session", () => resolveSessionWithPeople(database(), token, now, settings));
}

/**
 * `resolveSession` (the same expiry and idle clock) in the statement that also reads the person and the children
 * they are guardian of, and keeps both for the rest of the request.
 */
export async function resolveSessionWithPeople(
  db: Queryable,
  token: string | null,
  now: Date,
  settings: SessionSettings,
): Promise<SessionRecord | null> {
  if (!token) return null;
  const [row] = await runNamed<SessionRow>(db, sessionWithPeople, liveSessionValues(token, now, settings));
  return acceptSession(db, row, now, settings);
}

/**
 * Every personal page's first statement: the live session, its person, and as JSON the same rows `childRelations`
 * reads (the page header and the access check ask for both next).
 */
const sessionWithPeople = sql`
  select ${sessions.idHash} as id_hash, ${sessions.personId} as person_id, ${sessions.actingForPersonId} as acting_for_person_id,
         ${sessions.createdAt} as created_at, ${sessions.lastSeenAt} as last_seen_at, ${sessions.expiresAt} as expires_at,
         ${sessions.hideEntriesAfter} as hide_entries_after, ${sessions.userAgent} as user_agent, ${sessions.data} as data,
         case when ${people.id} is null then null else json_build_object(
           'id', ${people.id}, 'givenName', ${people.givenName}, 'familyName', ${people.familyName},
           'birthDate', ${people.birthDate}, 'personnummer', ${people.personnummer},
           'samordningsnummer', ${people.samordningsnummer}, 'deceased', ${people.deceased},
           'protectedIdentity', ${people.protectedIdentity}) end as person,
         coalesce((
           select json_agg(json_build_object(
                    'childPersonId', ${guardianships.childPersonId}, 'active', ${guardianships.active},
                    'blocked', ${guardianships.blocked}, 'periodStart', ${guardianships.periodStart},
                    'periodEnd', ${guardianships.periodEnd},
                    'child', json_build_object(
                      'id', c.id, 'givenName', c.given_name, 'familyName', c.family_name, 'birthDate', c.birth_date,
                      'personnummer', c.personnummer, 'samordningsnummer', c.samordningsnummer, 'deceased', c.deceased,
                      'protectedIdentity', c.protected_identity)))
             from ${guardianships}
             join ${people} c on c.id = ${guardianships.childPersonId} and c.deleted_at is null
            where ${guardianships.deletedAt} is null and ${guardianIs(sessions.personId)}), '[]'::json) as children
    from ${sessions}
    left join ${people} on ${people.id} = ${sessions.personId} and ${people.deletedAt} is null
   where ${liveSessionWhere()}`;

/** A row of `sessionWithPeople`: instants as Dates (PGlite) or PostgreSQL's text (postgres.js), JSON as text or parsed. */
interface SessionRow {
  id_hash: string;
  person_id: string;
  acting_for_person_id: string;
  created_at: Date | string;
  last_seen_at: Date | string;
  expires_at: Date | string;
  hide_entries_after: Date | string | null;
  user_agent: string | null;
  data: Record<string, unknown> | string | null;
  person: PersonRow | string | null;
  children: ChildRelation[] | string;
}

/** The request's session from its row (none: null): its person and children kept for the request, its idle clock touched. */
function acceptSession(db: Queryable, row: SessionRow | undefined, now: Date, settings: SessionSettings): Promise<SessionRecord | null> {
  if (!row) return Promise.resolve(null);
  const person = row.person === null ? null : jsonValue(row.person);
  rememberForRequest(`person:${row.person_id}`, person ? toFacts(person) : null);
  rememberForRequest(`children:${row.person_id}`, jsonValue(row.children));
  return keepAlive(
    db,
    {
      sessionId: row.id_hash,
      personId: row.person_id,
      actingForPersonId: row.acting_for_person_id,
      createdAt: new Date(row.created_at),
      lastSeenAt: new Date(row.last_seen_at),
      expiresAt: new Date(row.expires_at),
      hideEntriesAfter: row.hide_entries_after === null ? null : new Date(row.hide_entries_after),
      userAgent: row.user_agent,
      data: row.data === null ? {} : jsonValue(row.data),
    },
    now,
    settings,
  );
}

/** Where to send someone who must log in first: back to this page afterwards (path only: no query in the URL). */
export function loginRedirect(request: Request): Response {
  const url = new URL(request.url);
  const path = url.pathname.replace(/\.data$/, "").replace(/^\/_root$/, "/") || "/";
  return redirect(`/login?returnTo=${encodeURIComponent(path)}`);
}

async function requireSessionRecord(request: Request, now?: Date): Promise<SessionRecord> {
  const session = await currentSession(request, now);
  if (!session) throw loginRedirect(request);
  return session;
}

/** The logged-in person without a capability check (for pages like the sessions list); redirect when none. */
export async function requireSession(request: Request, options: { now?: Date } = {}): Promise<SessionInfo> {
  const s = await requireSessionRecord(request, options.now);
  return {
    sessionId: s.sessionId,
    personId: s.personId,
    actingForPersonId: s.actingForPersonId,
    hideEntriesAfter: s.hideEntriesAfter,
  };
}

export function notFound(): Response {
  return new Response(null, { status: 404, statusText: "Not Found" });
}

/**
 * Resolves the session (redirect to /login?returnTo=… when none), then checks the capability for the subject on screen
 * at `now`. Throws a 404 Response when not permitted: the same answer as for data that does not exist.
 */
export async function requireAccess(request: Request, capability: Capability, options: { now?: Date } = {}): Promise<Access> {
  const session = await requireSessionRecord(request, options.now);
  const decision = await decideAccess(database(), session.personId, session.actingForPersonId, options.now ?? new Date());
  if (!decision.capabilities.includes(capability)) throw notFound();
  return {
    sessionId: session.sessionId,
    actorPersonId: session.personId,
    subjectPersonId: session.actingForPersonId,
    actingAs: decision.actingAs,
    hideEntriesAfter: session.hideEntriesAfter,
  };
}

interface PersonFacts extends SubjectFacts {
  id: string;
  givenName: string | null;
  familyName: string | null;
}

const personColumns = {
  id: people.id,
  givenName: people.givenName,
  familyName: people.familyName,
  birthDate: people.birthDate,
  personnummer: people.personnummer,
  samordningsnummer: people.samordningsnummer,
  deceased: people.deceased,
  protectedIdentity: people.protectedIdentity,
};

function toFacts(row: {
  id: string;
  givenName: string | null;
  familyName: string | null;
  birthDate: string | null;
  personnummer: string | null;
  samordningsnummer: string | null;
  deceased: boolean;
  protectedIdentity: boolean;
}): PersonFacts {
  return {
    id: row.id,
    givenName: row.givenName,
    familyName: row.familyName,
    birthDate: row.birthDate ?? birthDateFromIdentityNumber(row.personnummer ?? row.samordningsnummer),
    deceased: row.deceased,
    protectedIdentity: row.protectedIdentity,
  };
}

function findPerson(db: Queryable, personId: string): Promise<PersonFacts | null> {
  // The page header and the access check both ask: once per request is enough.
  return oncePerRequest(`person:${personId}`, async () => {
    const statement = preparedStatement(db, "person_facts", (d) =>
      d
        .select(personColumns)
        .from(people)
        .where(and(eq(people.id, sql.placeholder("personId")), isNull(people.deletedAt)))
        .prepare("person_facts"),
    );
    const rows = await statement.execute({ personId });
    return rows[0] ? toFacts(rows[0]) : null;
  });
}

/**
 * The guardian relation rows of this guardian: matched by person id, or while the feed has not resolved the guardian
 * yet, by personnummer or by the guardian's Patient `link` to the RelatedPerson.
 */
function guardianIs(guardianPersonId: Placeholder | SQL | typeof sessions.personId) {
  return or(
    eq(guardianships.guardianPersonId, guardianPersonId),
    and(
      isNull(guardianships.guardianPersonId),
      sql`${guardianships.sourceType} = 'RelatedPerson'`,
      sql`exists (select 1 from ${personLinks} where ${personLinks.relatedPersonId} = ${guardianships.id} and ${personLinks.personId} = ${guardianPersonId})`,
    ),
    and(
      isNull(guardianships.guardianPersonId),
      isNotNull(guardianships.guardianPersonnummer),
      eq(
        guardianships.guardianPersonnummer,
        sql`(select ${people.personnummer} from ${people} where ${people.id} = ${guardianPersonId} and ${people.deletedAt} is null)`,
      ),
    ),
  );
}

/**
 * Whether the person (an SQL expression of a people.id) is recorded as a guardian of the child: the candidates a
 * feature asks `decideAccess` about (it decides whether they may act for the child today).
 */
export function recordedGuardianOf(personId: SQL, childPersonId: string): SQL {
  return sql`exists (select 1 from ${guardianships} where ${guardianships.childPersonId} = ${childPersonId} and ${guardianships.deletedAt} is null and ${guardianIs(personId)})`;
}

const guardianshipColumns = {
  childPersonId: guardianships.childPersonId,
  active: guardianships.active,
  blocked: guardianships.blocked,
  periodStart: guardianships.periodStart,
  periodEnd: guardianships.periodEnd,
};

type PersonRow = Parameters<typeof toFacts>[0];

/** One guardian relation row of a guardian, with the child's facts. */
interface ChildRelation extends GuardianshipFacts {
  childPersonId: string;
  child: PersonRow;
}

/** Every guardian relation of this guardian, with the child (not removed); once per request. */
function childRelations(db: Queryable, guardianPersonId: string): Promise<ChildRelation[]> {
  return oncePerRequest(`children:${guardianPersonId}`, () => {
    const statement = preparedStatement(db, "children_of_guardian", (d) =>
      d
        .select({ ...guardianshipColumns, child: personColumns })
        .from(guardianships)
        .innerJoin(people, and(eq(people.id, guardianships.childPersonId), isNull(people.deletedAt)))
        .where(and(isNull(guardianships.deletedAt), guardianIs(sql.placeholder("guardianId"))))
        .prepare("children_of_guardian"),
    );
    return statement.execute({ guardianId: guardianPersonId });
  });
}

/** What `actorPersonId` may do for `subjectPersonId` at `now`. Every query names the subject in its WHERE clause. */
export async function decideAccess(db: Queryable, actorPersonId: string, subjectPersonId: string, now: Date): Promise<Decision> {
  const today = swedishDate(now);
  if (actorPersonId === subjectPersonId) {
    const self = await findPerson(db, subjectPersonId);
    return { actingAs: "self", capabilities: self ? ownCapabilities(self, today) : [], refusal: null };
  }
  const relationsOfChild = preparedStatement(db, "guardianships_of_child", (d) =>
    d
      .select(guardianshipColumns)
      .from(guardianships)
      .where(
        and(
          eq(guardianships.childPersonId, sql.placeholder("childId")),
          isNull(guardianships.deletedAt),
          guardianIs(sql.placeholder("guardianId")),
        ),
      )
      .prepare("guardianships_of_child"),
  );
  const [child, relations] = await Promise.all([
    findPerson(db, subjectPersonId),
    relationsOfChild.execute({ childId: subjectPersonId, guardianId: actorPersonId }),
  ]);
  const refusal = child ? guardianRefusal(child, relations, today) : "not_guardian";
  return { actingAs: "guardian", capabilities: refusal === null ? ["read_record", "book", "message"] : [], refusal };
}

export interface ActingOption {
  personId: string;
  givenName: string | null;
  familyName: string | null;
  protectedIdentity: boolean;
  self: boolean;
  /** Null when the person may act for this subject today. */
  refusal: GuardianRefusal | null;
}

/**
 * The person themself and every child they are recorded as guardian of, each with whether they may act for the child
 * today. A protected child's name is never returned.
 */
export async function actingOptions(db: Queryable, personId: string, now: Date = new Date()): Promise<ActingOption[]> {
  const today = swedishDate(now);
  const self = await findPerson(db, personId);
  if (!self) return [];
  const relations = await childRelations(db, personId);
  const byChild = new Map<string, { child: PersonFacts; relations: GuardianshipFacts[] }>();
  for (const r of relations) {
    const childId = r.child.id;
    if (childId === personId) continue;
    const entry = byChild.get(childId) ?? { child: toFacts(r.child), relations: [] };
    entry.relations.push(r);
    byChild.set(childId, entry);
  }
  const children = [...byChild.values()]
    .map(({ child, relations: rs }) => ({ child, refusal: guardianRefusal(child, rs, today) }))
    .filter(({ refusal }) => refusal !== "not_guardian")
    .sort((a, b) => (b.child.birthDate ?? "").localeCompare(a.child.birthDate ?? ""));
  return [
    { personId, givenName: self.givenName, familyName: self.familyName, protectedIdentity: self.protectedIdentity, self: true, refusal: null },
    ...children.map(({ child, refusal }) => ({
      personId: child.id,
      givenName: child.protectedIdentity ? null : child.givenName,
      familyName: child.protectedIdentity ? null : child.familyName,
      protectedIdentity: child.protectedIdentity,
      self: false,
      refusal,
    })),
  ];
}

/**
 * The acting-for switch: show `subjectPersonId`'s data in this session from now on. Allowed for the person themself
 * and for a child the person may act for today; anyone else answers 404, as if the id did not exist.
 */
export async function chooseSubject(
  db: Queryable,
  session: { sessionId: string; personId: string },
  subjectPersonId: string,
  now: Date = new Date(),
): Promise<void> {
  const decision = await decideAccess(db, session.personId, subjectPersonId, now);
  if (decision.actingAs === "guardian" && decision.capabilities.length === 0) throw notFound();
  await setActingFor(db, session.personId, session.sessionId, subjectPersonId);
}
