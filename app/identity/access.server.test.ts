import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setDatabase } from "../../db/connection";
import { personLinks } from "../../db/schema";
import { createTestDatabase, type TestDatabase } from "../../db/testing";
import { admit } from "./admission.server";
import { withRequestScope } from "~/utils/request-scope.server";
import { actingOptions, chooseSubject, currentSession, requireAccess, requireSession, type Capability } from "./access.server";
import { createSession, setActingFor } from "./session.server";
import { createGuardianship, createPerson, requestWithCookie, testPersonnummer } from "./test-factories";

/**
 * The authorization matrix over a small cast, at a controlled clock: 10:00 in Stockholm on 15 March 2026.
 * Tim turns 13 on 16 March 2026, so his guardian's access ends at midnight Swedish time.
 */
const NOW = new Date("2026-03-15T09:00:00Z");
const LAST_MINUTE_BEFORE_TIMS_BIRTHDAY = new Date("2026-03-15T22:59:00Z");
const FIRST_MINUTE_OF_TIMS_BIRTHDAY = new Date("2026-03-15T23:00:00Z");
const ALL: Capability[] = ["read_record", "book", "message"];

let db: TestDatabase;
const cast = {} as Record<
  "anna" | "bo" | "ella" | "tim" | "sam" | "maja" | "lisa" | "oskar" | "gustav" | "eva" | "pernilla" | "ture" | "olle" | "vera",
  { id: string; personnummer: string | null }
>;

async function sessionFor(personId: string, actingFor?: string, now = NOW) {
  const s = await createSession(db.db, { personId, now });
  if (actingFor) await setActingFor(db.db, personId, s.sessionId, actingFor);
  return { ...s, request: (path = "/record") => requestWithCookie(path, s.cookie) };
}

async function allowed(request: () => Request, now = NOW): Promise<Capability[]> {
  const result: Capability[] = [];
  for (const capability of ALL) {
    try {
      await requireAccess(request(), capability, { now });
      result.push(capability);
    } catch (thrown) {
      expect(thrown).toBeInstanceOf(Response);
      expect((thrown as Response).status).toBe(404);
    }
  }
  return result;
}

beforeAll(async () => {
  db = await createTestDatabase();
  setDatabase(db);
  const d = db.db;
  cast.anna = await createPerson(d, { givenName: "Anna", familyName: "Andersson", birthDate: "1985-04-02" });
  cast.bo = await createPerson(d, { givenName: "Bo", familyName: "Andersson", birthDate: "1983-01-20" });
  cast.ella = await createPerson(d, { givenName: "Ella", familyName: "Andersson", birthDate: "2020-11-20" });
  cast.tim = await createPerson(d, { givenName: "Tim", familyName: "Andersson", birthDate: "2013-03-16" });
  cast.sam = await createPerson(d, { givenName: "Skyddad", familyName: "uppgift", birthDate: "2018-02-02", protectedIdentity: true });
  cast.maja = await createPerson(d, { givenName: "Maja", familyName: "Andersson", birthDate: "2016-07-07" });
  cast.lisa = await createPerson(d, { givenName: "Lisa", familyName: "Berg", birthDate: "2011-09-01" });
  cast.oskar = await createPerson(d, { givenName: "Oskar", familyName: "Berg", birthDate: "2009-06-01" });
  cast.gustav = await createPerson(d, { givenName: "Gustav", familyName: "Ek", birthDate: "1940-05-05", deceased: true });
  cast.eva = await createPerson(d, { givenName: "Eva", familyName: "Dahl", birthDate: "1990-10-10" });
  cast.pernilla = await createPerson(d, { givenName: "Pernilla", familyName: "Lund", birthDate: "1979-12-12" });
  cast.ture = await createPerson(d, { givenName: "Ture", familyName: "Lund", birthDate: "2022-01-01" });
  for (const child of [cast.ella, cast.tim, cast.sam]) {
    await createGuardianship(d, { childPersonId: child.id, guardianPersonId: cast.anna.id });
  }
  await createGuardianship(d, { childPersonId: cast.maja.id, guardianPersonId: cast.anna.id, blocked: true });
  await createGuardianship(d, { childPersonId: cast.ella.id, guardianPersonId: cast.bo.id, blocked: true });
  // A guardian the feed has not yet resolved to a person: known by personnummer only.
  await createGuardianship(d, { childPersonId: cast.ture.id, guardianPersonnummer: cast.pernilla.personnummer });
  // A guardian known through their Patient's link to the RelatedPerson.
  cast.olle = await createPerson(d, { givenName: "Olle", familyName: "Holm", birthDate: "1988-08-08" });
  cast.vera = await createPerson(d, { givenName: "Vera", familyName: "Holm", birthDate: "2021-02-02" });
  const linked = await createGuardianship(d, { childPersonId: cast.vera.id });
  await d.insert(personLinks).values({ relatedPersonId: linked, personId: cast.olle.id });
  // Lisa's guardianship is recorded, but she is 14: Oskar's mother gets nothing either.
  await createGuardianship(d, { childPersonId: cast.lisa.id, guardianPersonId: cast.eva.id });
});

afterAll(async () => {
  setDatabase(undefined);
  await db?.destroy();
});

describe("login", () => {
  it("admits a living adult, a 14-year-old and a 16-year-old known to the read model", async () => {
    for (const who of [cast.anna, cast.lisa, cast.oskar]) {
      expect(await admit(db.db, who.personnummer, NOW)).toEqual({ admitted: true, personId: who.id });
    }
  });
  it("accepts the personnummer in any common format", async () => {
    const p = cast.anna.personnummer!;
    const dashed = `${p.slice(0, 8)}-${p.slice(8)}`;
    expect(await admit(db.db, dashed, NOW)).toEqual({ admitted: true, personId: cast.anna.id });
  });
  it("refuses a child under 13, a deceased person, an unknown person and an invalid number, with the reason", async () => {
    expect(await admit(db.db, cast.ella.personnummer, NOW)).toEqual({ admitted: false, reason: "under_13", personId: cast.ella.id });
    expect(await admit(db.db, cast.tim.personnummer, NOW)).toMatchObject({ admitted: false, reason: "under_13" });
    expect(await admit(db.db, cast.tim.personnummer, FIRST_MINUTE_OF_TIMS_BIRTHDAY)).toEqual({ admitted: true, personId: cast.tim.id });
    expect(await admit(db.db, cast.gustav.personnummer, NOW)).toEqual({ admitted: false, reason: "deceased", personId: cast.gustav.id });
    expect(await admit(db.db, testPersonnummer("1940-01-01", 999), NOW)).toMatchObject({ admitted: false, reason: "unknown_person" });
    expect(await admit(db.db, "198504021234", NOW)).toMatchObject({ admitted: false, reason: "invalid_identity" });
    expect(await admit(db.db, undefined, NOW)).toMatchObject({ admitted: false, reason: "invalid_identity" });
  });
});

describe("acting as oneself", () => {
  it("an adult may do everything", async () => {
    const s = await sessionFor(cast.anna.id);
    expect(await allowed(s.request)).toEqual(ALL);
    const access = await requireAccess(s.request(), "read_record", { now: NOW });
    expect(access).toEqual({
      sessionId: s.sessionId,
      actorPersonId: cast.anna.id,
      subjectPersonId: cast.anna.id,
      actingAs: "self",
      hideEntriesAfter: null,
    });
  });
  it("a 14-year-old books and messages but does not read the record", async () => {
    const s = await sessionFor(cast.lisa.id);
    expect(await allowed(s.request)).toEqual(["book", "message"]);
  });
  it("a 16-year-old reads their own record", async () => {
    const s = await sessionFor(cast.oskar.id);
    expect(await allowed(s.request)).toEqual(ALL);
  });
  it("a person who died during their session loses access at once", async () => {
    const s = await sessionFor(cast.gustav.id);
    expect(await allowed(s.request)).toEqual([]);
  });
});

describe("acting for a child", () => {
  it("a guardian of a 5-year-old has full access, as guardian", async () => {
    const s = await sessionFor(cast.anna.id);
    await chooseSubject(db.db, { sessionId: s.sessionId, personId: cast.anna.id }, cast.ella.id, NOW);
    expect(await allowed(s.request)).toEqual(ALL);
    expect(await requireAccess(s.request(), "book", { now: NOW })).toMatchObject({
      actorPersonId: cast.anna.id,
      subjectPersonId: cast.ella.id,
      actingAs: "guardian",
    });
  });
  it("the guardian's access ends at midnight Swedish time before the 13th birthday", async () => {
    const s = await sessionFor(cast.anna.id, cast.tim.id, LAST_MINUTE_BEFORE_TIMS_BIRTHDAY);
    expect(await allowed(s.request, LAST_MINUTE_BEFORE_TIMS_BIRTHDAY)).toEqual(ALL);
    expect(await allowed(s.request, FIRST_MINUTE_OF_TIMS_BIRTHDAY)).toEqual([]);
  });
  it("no guardian access to a child with protected identity", async () => {
    const s = await sessionFor(cast.anna.id);
    await expect(chooseSubject(db.db, { sessionId: s.sessionId, personId: cast.anna.id }, cast.sam.id, NOW)).rejects.toMatchObject({
      status: 404,
    });
    await setActingFor(db.db, cast.anna.id, s.sessionId, cast.sam.id);
    expect(await allowed(s.request)).toEqual([]);
  });
  it("a blocked guardian gets nothing, while the other guardian keeps access", async () => {
    const bo = await sessionFor(cast.bo.id, cast.ella.id);
    expect(await allowed(bo.request)).toEqual([]);
    const anna = await sessionFor(cast.anna.id, cast.maja.id);
    expect(await allowed(anna.request)).toEqual([]);
    const annaForElla = await sessionFor(cast.anna.id, cast.ella.id);
    expect(await allowed(annaForElla.request)).toEqual(ALL);
  });
  it("a guardian the feed knows only by personnummer may act for the child", async () => {
    const s = await sessionFor(cast.pernilla.id, cast.ture.id);
    expect(await allowed(s.request)).toEqual(ALL);
  });
  it("a guardian known through their Patient's link to the RelatedPerson may act for the child", async () => {
    const s = await sessionFor(cast.olle.id, cast.vera.id);
    expect(await allowed(s.request)).toEqual(ALL);
    const stranger = await sessionFor(cast.eva.id, cast.vera.id);
    expect(await allowed(stranger.request)).toEqual([]);
  });
  it("no guardian access to a 14-year-old", async () => {
    const s = await sessionFor(cast.eva.id, cast.lisa.id);
    expect(await allowed(s.request)).toEqual([]);
  });
});

describe("another person's data", () => {
  it("switching to anyone who is not one's own young child answers 404, whether the id exists or not", async () => {
    const s = await sessionFor(cast.anna.id);
    const session = { sessionId: s.sessionId, personId: cast.anna.id };
    for (const id of [cast.eva.id, cast.oskar.id, cast.bo.id, "no-such-patient"]) {
      await expect(chooseSubject(db.db, session, id, NOW)).rejects.toMatchObject({ status: 404 });
    }
    expect((await requireSession(s.request(), { now: NOW })).actingForPersonId).toBe(cast.anna.id);
  });
  it("a session pointed at a stranger reads nothing", async () => {
    const s = await sessionFor(cast.anna.id, cast.eva.id);
    expect(await allowed(s.request)).toEqual([]);
  });
  it("a child's own guardians are not the child's to read", async () => {
    const s = await sessionFor(cast.oskar.id, cast.anna.id);
    expect(await allowed(s.request)).toEqual([]);
  });
});

describe("without a session", () => {
  it("redirects to login with the page to come back to, and nothing from the query", async () => {
    try {
      await requireAccess(requestWithCookie("/record/results?q=hiv", null), "read_record", { now: NOW });
      expect.unreachable();
    } catch (thrown) {
      const response = thrown as Response;
      expect(response.status).toBe(302);
      expect(response.headers.get("Location")).toBe("/login?returnTo=%2Frecord%2Fresults");
    }
  });
  it("treats an unknown token the same as none", async () => {
    await expect(requireSession(requestWithCookie("/sessions", "portal_session=made-up-token"))).rejects.toMatchObject({ status: 302 });
  });
});

describe("acting options", () => {
  it("list the person and every recorded child, with why a child cannot be chosen", async () => {
    const options = await actingOptions(db.db, cast.anna.id, NOW);
    const byId = new Map(options.map((o) => [o.personId, o]));
    expect(options[0]).toMatchObject({ personId: cast.anna.id, self: true, refusal: null, givenName: "Anna" });
    expect(byId.get(cast.ella.id)).toMatchObject({ refusal: null, givenName: "Ella" });
    expect(byId.get(cast.tim.id)).toMatchObject({ refusal: null });
    expect(byId.get(cast.sam.id)).toMatchObject({ refusal: "protected", givenName: null, familyName: null });
    expect(byId.get(cast.maja.id)).toMatchObject({ refusal: "blocked" });
    expect(options).toHaveLength(5);
    const onBirthday = await actingOptions(db.db, cast.anna.id, FIRST_MINUTE_OF_TIMS_BIRTHDAY);
    expect(onBirthday.find((o) => o.personId === cast.tim.id)).toMatchObject({ refusal: "age_13" });
  });
  it("within a page request, the session's one statement gives the same person and children as the separate queries", async () => {
    for (const who of [cast.anna, cast.pernilla, cast.olle, cast.eva, cast.oskar, cast.gustav]) {
      const separate = await actingOptions(db.db, who.id, NOW);
      const { request } = await sessionFor(who.id, undefined, NOW);
      const fromSession = await withRequestScope(async () => {
        expect(await currentSession(request(), NOW)).toMatchObject({ personId: who.id });
        return actingOptions(db.db, who.id, NOW);
      });
      expect(fromSession).toEqual(separate);
    }
    // Pernilla (known by personnummer) and Olle (by the link) each have their child.
    expect((await actingOptions(db.db, cast.pernilla.id, NOW)).map((o) => o.personId)).toEqual([cast.pernilla.id, cast.ture.id]);
    expect((await actingOptions(db.db, cast.olle.id, NOW)).map((o) => o.personId)).toEqual([cast.olle.id, cast.vera.id]);
  });
  it("a person with no children has only themself", async () => {
    expect(await actingOptions(db.db, cast.oskar.id, NOW)).toEqual([
      expect.objectContaining({ personId: cast.oskar.id, self: true }),
    ]);
  });
});
