import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setDatabase } from "../../db/connection";
import { accessLog, people as peopleTable } from "../../db/schema";
import { createTestDatabase, type TestDatabase } from "../../db/testing";
import { sessionAccessLogWrite } from "~/audit/access-log.server";
import { readWithSession, requireAccess } from "~/identity/access.server";
import { headerIdentity } from "~/identity/header.server";
import { ownCapabilities, swedishDate } from "~/identity/rules";
import { createSession, setActingFor, setHideEntriesAfter } from "~/identity/session.server";
import { createGuardianship, createPerson, requestWithCookie } from "~/identity/test-factories";
import { withRequestScope } from "~/utils/request-scope.server";
import { recordRules } from "./exclusions.server";
import { readOverviewPage, readSectionPage, readTrendPage } from "./pages.server";
import { sectionPageRead } from "./queries.server";
import { createCareUnit, createEntry } from "./test-factories";

/**
 * A record page as a browser asks for it (the root's loader and the page's side by side, in one request scope): for
 * a person reading their own record, the session's lookup, the authorization, the read and its access-log row are
 * one statement (readWithSession); everyone else is read as before, after requireAccess. Both ways answer the same.
 */

let db: TestDatabase;
let statements = 0;
const DAY = 86_400_000;
const yearsAgo = (years: number, days = 0) => {
  const d = new Date(Date.now() - days * DAY);
  d.setUTCFullYear(d.getUTCFullYear() - years);
  return d.toISOString().slice(0, 10);
};
const ids = {} as Record<"adult" | "child" | "fifteen" | "noBirthDate" | "deceased", string>;
const refs = {} as Record<string, string>;

/** Counts the statements the portal sends from here on (each prepared query's runs). */
function countStatements(handle: TestDatabase): void {
  const session = handle.db._.session as unknown as {
    prepareQuery: (...args: unknown[]) => {
      execute: (...a: unknown[]) => unknown;
    };
  };
  const prepare = session.prepareQuery.bind(session);
  session.prepareQuery = (...args: unknown[]) => {
    const query = prepare(...args);
    const execute = query.execute.bind(query);
    query.execute = (...a: unknown[]) => {
      statements++;
      return execute(...a);
    };
    return query;
  };
}

/** The page's loader beside the root's (the page header), as Remix runs them for one document request. */
async function asPage<T>(request: Request, load: (request: Request) => Promise<T>) {
  return withRequestScope(
    async () => {
      const before = statements;
      const [identity, data] = await Promise.all([headerIdentity(request), load(request)]);
      return { identity, data, statements: statements - before };
    },
    { document: true },
  );
}

async function outcome(promise: Promise<unknown>): Promise<number | string> {
  try {
    await promise;
    return 200;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown.status === 302 ? `302 ${thrown.headers.get("Location")}` : thrown.status;
    throw thrown;
  }
}

async function sessionFor(personId: string, options: { actingFor?: string; now?: Date } = {}) {
  const s = await createSession(db.db, { personId, now: options.now });
  if (options.actingFor) await setActingFor(db.db, personId, s.sessionId, options.actingFor);
  return { ...s, request: (path: string) => requestWithCookie(path, s.cookie) };
}

async function logRows(subjectPersonId: string) {
  return db.db
    .select({
      section: accessLog.section,
      refs: accessLog.resourceRefs,
      actingAs: accessLog.actingAs,
      actor: accessLog.actorPersonId,
    })
    .from(accessLog)
    .where(eq(accessLog.subjectPersonId, subjectPersonId))
    .orderBy(accessLog.id);
}

beforeAll(async () => {
  db = await createTestDatabase();
  setDatabase(db);
  countStatements(db);
  const d = db.db;
  ids.adult = (await createPerson(d, { givenName: "Anna", birthDate: "1985-04-02" })).id;
  ids.child = (await createPerson(d, { givenName: "Elsa", birthDate: yearsAgo(5) })).id;
  ids.fifteen = (await createPerson(d, { givenName: "Leo", birthDate: yearsAgo(15, 100) })).id;
  ids.noBirthDate = (await createPerson(d, { givenName: "Nils", birthDate: "1990-06-01" })).id;
  await d.update(peopleTable).set({ birthDate: null }).where(eq(peopleTable.id, ids.noBirthDate));
  ids.deceased = (
    await createPerson(d, {
      givenName: "Olle",
      birthDate: "1940-01-01",
      deceased: true,
    })
  ).id;
  await createGuardianship(d, {
    childPersonId: ids.child,
    guardianPersonId: ids.adult,
  });
  const vc = await createCareUnit(d, {
    name: "Vårdcentralen",
    providerKind: "region",
  });
  const entry = (personId: string, daysAgo: number, value: number) =>
    createEntry(d, {
      personId,
      section: "results",
      occurredAt: new Date(Date.now() - daysAgo * DAY),
      careUnitId: vc,
      title: "B-HbA1c",
      code: "59261-8",
      valueNumber: value,
    });
  refs.adultOld = await entry(ids.adult, 100, 50);
  refs.adultNew = await entry(ids.adult, 3, 57);
  refs.child = await entry(ids.child, 30, 40);
  refs.fifteen = await entry(ids.fifteen, 30, 41);
  refs.noBirthDate = await entry(ids.noBirthDate, 30, 42);
  refs.deceased = await entry(ids.deceased, 30, 43);
});

afterAll(async () => {
  setDatabase(undefined);
  await db?.destroy();
});

describe("a person's own record page", () => {
  it("is one statement, with the page header, and answers and logs as the page read after requireAccess does", async () => {
    const s = await sessionFor(ids.adult);
    // Outside a request scope: the session first, then the read (the way every other page reads).
    const before = await readSectionPage(s.request("/record/results"), "results");
    const page = await asPage(s.request("/record/results"), (r) => readSectionPage(r, "results"));
    expect(page.statements).toBe(1);
    expect(page.data).toEqual(before);
    expect(page.identity?.person.givenName).toBe("Anna");
    expect(page.identity?.subject.self).toBe(true);
    const [first, second] = (await logRows(ids.adult)).slice(-2);
    expect(second).toEqual(first);
    expect(second).toEqual({
      section: "results",
      refs: [refs.adultNew, refs.adultOld],
      actingAs: "self",
      actor: ids.adult,
    });
  });

  it("the trend and the overview are one statement too; a result the subject has none of is a 404, logged nowhere", async () => {
    const s = await sessionFor(ids.adult);
    const trend = await asPage(s.request("/record/results/59261-8"), (r) => readTrendPage(r, "59261-8"));
    expect(trend.statements).toBe(1);
    expect(trend.data.trend.points.map((p) => p.ref)).toEqual([refs.adultOld, refs.adultNew]);
    const overview = await asPage(s.request("/record"), (r) => readOverviewPage(r));
    expect(overview.statements).toBe(1);
    expect(overview.data.overview.record?.results.map((r) => r.ref)).toEqual([refs.adultNew, refs.adultOld]);
    const logged = await logRows(ids.adult);
    await expect(outcome(asPage(s.request("/record/results/2345-7"), (r) => readTrendPage(r, "2345-7")))).resolves.toBe(404);
    expect(await logRows(ids.adult)).toEqual(logged);
  });

  it("hides new entries by the session's own choice, read by the statement from the session row", async () => {
    const s = await sessionFor(ids.adult);
    await setHideEntriesAfter(db.db, ids.adult, s.sessionId, new Date(Date.now() - 14 * DAY));
    const page = await asPage(s.request("/record/results"), (r) => readSectionPage(r, "results"));
    expect(page.statements).toBe(1);
    expect(page.data.page.entries.map((e) => e.ref)).toEqual([refs.adultOld]);
    expect(page.data.hideEntriesAfter).not.toBeNull();
    expect((await logRows(ids.adult)).at(-1)?.refs).toEqual([refs.adultOld]);
  });

  it("without a live session: to the login, nothing read, nothing logged", async () => {
    const logged = await logRows(ids.adult);
    const stranger = requestWithCookie("/record/results", "portal_session=not-a-session");
    await expect(outcome(asPage(stranger, (r) => readSectionPage(r, "results")))).resolves.toBe("302 /login?returnTo=%2Frecord%2Fresults");
    expect(await logRows(ids.adult)).toEqual(logged);
  });
});

describe("everyone else is read after requireAccess, as before", () => {
  it("a guardian reads a young child's record, logged as guardian", async () => {
    const s = await sessionFor(ids.adult, { actingFor: ids.child });
    const page = await asPage(s.request("/record/results"), (r) => readSectionPage(r, "results"));
    expect(page.statements).toBeGreaterThan(1);
    expect(page.data.page.entries.map((e) => e.ref)).toEqual([refs.child]);
    expect((await logRows(ids.child)).at(-1)).toEqual({
      section: "results",
      refs: [refs.child],
      actingAs: "guardian",
      actor: ids.adult,
    });
  });

  it("a 15-year-old has no record, and an overview of appointments and messages only", async () => {
    const s = await sessionFor(ids.fifteen);
    await expect(outcome(asPage(s.request("/record/results"), (r) => readSectionPage(r, "results")))).resolves.toBe(404);
    const overview = await asPage(s.request("/record"), (r) => readOverviewPage(r));
    expect(overview.data.overview.record).toBeNull();
    expect(await logRows(ids.fifteen)).toEqual([{ section: "overview", refs: null, actingAs: "self", actor: ids.fifteen }]);
  });

  it("a person whose birth date only the personnummer tells reads their record", async () => {
    const s = await sessionFor(ids.noBirthDate);
    const page = await asPage(s.request("/record/results"), (r) => readSectionPage(r, "results"));
    expect(page.statements).toBeGreaterThan(1);
    expect(page.data.page.entries.map((e) => e.ref)).toEqual([refs.noBirthDate]);
  });

  it("a person recorded as deceased after logging in reads nothing, and nothing is logged", async () => {
    const s = await sessionFor(ids.deceased);
    await expect(outcome(asPage(s.request("/record/results"), (r) => readSectionPage(r, "results")))).resolves.toBe(404);
    expect(await logRows(ids.deceased)).toEqual([]);
  });
});

describe("the statement's own decision", () => {
  // Around the 16th birthday, on ordinary days and on 29 February and 1 March of leap and other years.
  const nows = ["2026-11-30T11:00:00Z", "2028-02-29T11:00:00Z", "2028-03-01T11:00:00Z", "2029-02-28T11:00:00Z", "2029-03-01T11:00:00Z"];
  const births = ["2010-11-29", "2010-11-30", "2010-12-01", "2012-02-28", "2012-02-29", "2012-03-01", "2013-02-28", "2013-03-01"];

  it("reads and logs only what requireAccess then allows, and everything it allows by the birth date it holds", async () => {
    const rules = await recordRules(db.db);
    for (const at of nows) {
      const now = new Date(at);
      for (const birthDate of births) {
        for (const deceased of [false, true]) {
          const person = await createPerson(db.db, { birthDate, deceased });
          await createEntry(db.db, {
            personId: person.id,
            section: "notes",
            occurredAt: new Date(now.getTime() - DAY),
            title: "Anteckning",
          });
          const s = await sessionFor(person.id, { now });
          const request = s.request("/record/notes");
          const answered = await withRequestScope(async () => {
            const read = readWithSession(
              request,
              () =>
                sectionPageRead(
                  {
                    subjectPersonId: "",
                    hideEntriesAfter: null,
                    rules,
                    fromSession: true,
                  },
                  "notes",
                  {},
                  25,
                  sessionAccessLogWrite("notes"),
                ),
              now,
            );
            const allowed = await outcome(requireAccess(request, "read_record", { now }));
            return { read: await read, allowed };
          });
          const expected = ownCapabilities({ birthDate, deceased, protectedIdentity: false }, swedishDate(now)).includes("read_record");
          const logged = await logRows(person.id);
          expect({
            at,
            birthDate,
            deceased,
            authorized: answered.read?.authorized,
            allowed: answered.allowed,
            logged: logged.length,
          }).toEqual({
            at,
            birthDate,
            deceased,
            authorized: expected,
            allowed: expected ? 200 : 404,
            logged: expected ? 1 : 0,
          });
        }
      }
    }
  });

  it("decides nothing for anyone but the person themself", async () => {
    const rules = await recordRules(db.db);
    const s = await sessionFor(ids.adult, { actingFor: ids.child });
    const answered = await withRequestScope(() =>
      readWithSession(s.request("/record/notes"), () =>
        sectionPageRead(
          {
            subjectPersonId: "",
            hideEntriesAfter: null,
            rules,
            fromSession: true,
          },
          "results",
          {},
          25,
          sessionAccessLogWrite("results"),
        ),
      ),
    );
    expect(answered).toEqual({ authorized: false });
    const count = await db.db.execute(
      sql`select count(*)::int as n from access_log where subject_person_id = ${ids.child} and actor_person_id = ${ids.adult} and acting_as = 'self'`,
    );
    expect(JSON.stringify(count)).toContain('"n":0');
  });
});
