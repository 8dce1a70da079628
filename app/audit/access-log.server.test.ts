import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessLog } from "../../db/schema";
import { createTestDatabase, type TestDatabase } from "../../db/testing";
import type { RecordRules } from "~/disclosure/exclusions.server";
import type { Access } from "~/identity/access.server";
import { createClinicalAccessEvent, createPerson } from "~/identity/test-factories";
import { accessLogView, parseAccessLogFilter } from "./access-log-page.server";
import { listAccessLog, logAccess } from "./access-log.server";

let db: TestDatabase;
let anna: string;
let ella: string;
let eva: string;

const access = (subject: string, actor: string, actingAs: "self" | "guardian"): Access => ({
  sessionId: "s",
  actorPersonId: actor,
  subjectPersonId: subject,
  actingAs,
  hideEntriesAfter: null,
});

async function insertAt(subject: string, actor: string, actingAs: "self" | "guardian", section: string, at: string) {
  await db.db.insert(accessLog).values({ subjectPersonId: subject, actorPersonId: actor, actingAs, section, occurredAt: new Date(at) });
}

beforeAll(async () => {
  db = await createTestDatabase();
  anna = (await createPerson(db.db, { givenName: "Anna", birthDate: "1985-04-02" })).id;
  ella = (await createPerson(db.db, { givenName: "Ella", birthDate: "2020-11-20" })).id;
  eva = (await createPerson(db.db, { givenName: "Eva", birthDate: "1990-10-10" })).id;
});

afterAll(async () => {
  await db?.destroy();
});

describe("logAccess", () => {
  it("appends who read which section of whose record, as what", async () => {
    await logAccess(db.db, access(ella, anna, "guardian"), "results", ["Observation/o1", "Observation/o2"]);
    const rows = await db.db.select().from(accessLog).where(eq(accessLog.subjectPersonId, ella));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      subjectPersonId: ella,
      actorPersonId: anna,
      actingAs: "guardian",
      section: "results",
      resourceRefs: ["Observation/o1", "Observation/o2"],
      channel: "portal",
    });
    expect(Date.now() - rows[0]!.occurredAt.getTime()).toBeLessThan(60_000);
  });

  it("the database refuses to change or remove an entry, whoever asks", async () => {
    const codeOf = async (attempt: Promise<unknown>) => {
      try {
        await attempt;
        return "no error";
      } catch (error) {
        return (error as { cause?: { code?: string } }).cause?.code ?? String(error);
      }
    };
    expect(await codeOf(db.db.update(accessLog).set({ section: "nothing" }).where(eq(accessLog.subjectPersonId, ella)))).toBe("42501");
    expect(await codeOf(db.db.delete(accessLog).where(eq(accessLog.subjectPersonId, ella)))).toBe("42501");
    expect(await codeOf(db.db.execute(sql`truncate access_log`))).toBe("42501");
    expect(await db.db.select().from(accessLog).where(eq(accessLog.subjectPersonId, ella))).toHaveLength(1);
  });
});

describe("listAccessLog", () => {
  const rules: RecordRules = { excludedUnitIds: ["barnahus"], excludedUnitRefs: ["Organization/barnahus-ref"], keywords: [], keywordVerdicts: null };
  let subject: string;
  beforeAll(async () => {
    subject = (await createPerson(db.db, { givenName: "Sara", birthDate: "1975-01-01" })).id;
    const guardian = (await createPerson(db.db, { givenName: "Mor", birthDate: "1950-01-01" })).id;
    await insertAt(subject, subject, "self", "notes", "2026-03-10T08:00:00Z");
    await insertAt(subject, guardian, "guardian", "results", "1985-06-01T10:00:00Z");
    await insertAt(subject, subject, "self", "overview", "2026-03-12T09:00:00Z");
    await insertAt(eva, eva, "self", "notes", "2026-03-11T08:00:00Z");
    await createClinicalAccessEvent(db.db, { personId: subject, occurredAt: new Date("2026-03-11T13:00:00Z"), careUnitName: "Vårdcentralen Gibraltargatan" });
    await createClinicalAccessEvent(db.db, { personId: subject, occurredAt: new Date("2026-03-01T13:00:00Z"), careUnitName: "Akutmottagningen" });
    await createClinicalAccessEvent(db.db, { personId: subject, occurredAt: new Date("2026-03-05T13:00:00Z"), deletedAt: new Date() });
    await createClinicalAccessEvent(db.db, { personId: eva, occurredAt: new Date("2026-03-11T14:00:00Z"), careUnitName: "Annan" });
    // Reads at a unit whose information is never shown online, resolved or still by reference: never listed.
    await createClinicalAccessEvent(db.db, { personId: subject, occurredAt: new Date("2026-03-09T13:00:00Z"), careUnitId: "barnahus", careUnitName: "Barnahus" });
    await createClinicalAccessEvent(db.db, { personId: subject, occurredAt: new Date("2026-03-08T13:00:00Z"), careUnitReference: "Organization/barnahus-ref", careUnitName: "Barnahus" });
  });

  it("merges the portal's own log and the clinical system's events for the subject only, newest first", async () => {
    const page = await listAccessLog(db.db, { subjectPersonId: subject, viewerPersonId: subject, rules });
    expect(page.hasNext).toBe(false);
    expect(page.entries.map((e) => [e.source, e.occurredAt.toISOString()])).toEqual([
      ["portal", "2026-03-12T09:00:00.000Z"],
      ["clinical", "2026-03-11T13:00:00.000Z"],
      ["portal", "2026-03-10T08:00:00.000Z"],
      ["clinical", "2026-03-01T13:00:00.000Z"],
      ["portal", "1985-06-01T10:00:00.000Z"],
    ]);
    expect(page.entries[0]).toMatchObject({ section: "overview", actingAs: "self", byViewer: true });
    expect(page.entries[1]).toMatchObject({ careUnitName: "Vårdcentralen Gibraltargatan" });
    expect(page.entries[4]).toMatchObject({ section: "results", actingAs: "guardian", byViewer: false });
  });

  it("pages", async () => {
    const first = await listAccessLog(db.db, { subjectPersonId: subject, viewerPersonId: subject, rules, pageSize: 2 });
    const second = await listAccessLog(db.db, { subjectPersonId: subject, viewerPersonId: subject, rules, pageSize: 2, page: 2 });
    const third = await listAccessLog(db.db, { subjectPersonId: subject, viewerPersonId: subject, rules, pageSize: 2, page: 3 });
    expect([first.hasNext, second.hasNext, third.hasNext]).toEqual([true, true, false]);
    expect([...first.entries, ...second.entries, ...third.entries].map((e) => e.key)).toHaveLength(5);
    expect(new Set([...first.entries, ...second.entries, ...third.entries].map((e) => e.key)).size).toBe(5);
    // Past the end: the last page, and which it is.
    const beyond = await listAccessLog(db.db, { subjectPersonId: subject, viewerPersonId: subject, rules, pageSize: 2, page: 99 });
    expect(beyond).toEqual(third);
    expect((await listAccessLog(db.db, { subjectPersonId: subject, viewerPersonId: subject, rules, to: "2000-01-01", pageSize: 2, page: 5 })).page).toBe(1);
  });

  it("filters by a period of Swedish calendar days, both ends included", async () => {
    const march = await listAccessLog(db.db, { subjectPersonId: subject, viewerPersonId: subject, rules, from: "2026-03-10", to: "2026-03-11" });
    expect(march.entries.map((e) => e.occurredAt.toISOString())).toEqual(["2026-03-11T13:00:00.000Z", "2026-03-10T08:00:00.000Z"]);
    const since = await listAccessLog(db.db, { subjectPersonId: subject, viewerPersonId: subject, rules, from: "2026-03-11" });
    expect(since.entries).toHaveLength(2);
    const until = await listAccessLog(db.db, { subjectPersonId: subject, viewerPersonId: subject, rules, to: "2000-01-01" });
    expect(until.entries).toHaveLength(1);
  });

});

describe("parseAccessLogFilter", () => {
  const parse = (query: string) => parseAccessLogFilter(new URLSearchParams(query));
  it("accepts a period of calendar dates and a page", () => {
    expect(parse("from=2026-03-01&to=2026-03-31&page=3")).toMatchObject({ from: "2026-03-01", to: "2026-03-31", page: 3, errors: {} });
    expect(parse("")).toEqual({ typed: {}, page: 1, errors: {} });
  });
  it("names a wrong date next to its field, as a translation key, keeps what was typed, and filters on nothing then", () => {
    expect(parse("from=2026-02-30")).toMatchObject({ from: undefined, typed: { from: "2026-02-30" }, errors: { from: { key: "common:filterErrors.date" } } });
    expect(parse("to=yesterday")).toMatchObject({ to: undefined, errors: { to: { key: "common:filterErrors.date" } } });
    expect(parse("from=2026-03-31&to=2026-03-01")).toMatchObject({ from: undefined, to: undefined, errors: { to: { key: "common:filterErrors.toBeforeFrom" } } });
  });
  it("names a page that is not a sensible number, and shows the first", () => {
    for (const page of ["-1", "abc", "1.5"]) expect(parse(`page=${page}`)).toMatchObject({ page: 1, errors: { page: { key: "common:filterErrors.page" } } });
  });
});

describe("accessLogView", () => {
  it("logs the look at the log itself first, so it shows at the top", async () => {
    const viewer = (await createPerson(db.db, { givenName: "Vera", birthDate: "1960-01-01" })).id;
    const view = await accessLogView(db.db, access(viewer, viewer, "self"), parseAccessLogFilter(new URLSearchParams()));
    expect(view.entries).toHaveLength(1);
    expect(view.entries[0]).toMatchObject({ source: "portal", section: "access_log", byViewer: true });
    const again = await accessLogView(db.db, access(viewer, viewer, "self"), parseAccessLogFilter(new URLSearchParams()));
    expect(again.entries).toHaveLength(2);
  });
  it("says a page past the end is not there, and shows the last", async () => {
    const viewer = (await createPerson(db.db, { givenName: "Vilma", birthDate: "1960-01-01" })).id;
    const view = await accessLogView(db.db, access(viewer, viewer, "self"), parseAccessLogFilter(new URLSearchParams("page=999")));
    expect(view.page).toBe(1);
    expect(view.entries).toHaveLength(1);
    expect(view.errors).toEqual({ page: { key: "common:filterErrors.pastEnd", values: { page: 999, last: 1, count: 1 } } });
  });
});
