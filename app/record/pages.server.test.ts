import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setDatabase } from "../../db/connection";
import { accessLog, people as peopleTable } from "../../db/schema";
import { createTestDatabase, type TestDatabase } from "../../db/testing";
import { createSession, setActingFor, setHideEntriesAfter } from "~/identity/session.server";
import { createGuardianship, createPerson, requestWithCookie } from "~/identity/test-factories";
import { createElement } from "react";
import { SectionPage } from "~/components/record/section-page";
import { renderStatic } from "~/components/test-render";
import { exportResponse, loadPrintPage, loadTrendPage, readOverviewPage, readSectionPage, readTrendPage } from "./pages.server";
import { PAGE_SIZE } from "./sections";
import { createCareUnit, createEntry } from "./test-factories";

/**
 * The record pages' loaders through the one authorization path (a real session cookie, requireAccess): who may read
 * whose record, what each view writes to the access log, the hide-new-entries choice and the download.
 */

let db: TestDatabase;
const DAY = 86_400_000;
const yearsAgo = (years: number, days = 0) => {
  const d = new Date(Date.now() - days * DAY);
  d.setUTCFullYear(d.getUTCFullYear() - years);
  return d.toISOString().slice(0, 10);
};
const people = {} as Record<"parent" | "small" | "thirteen" | "fourteen" | "other", { id: string; personnummer: string | null }>;
const refs = {} as Record<string, string>;

async function sessionFor(personId: string, actingFor?: string) {
  const s = await createSession(db.db, { personId });
  if (actingFor) await setActingFor(db.db, personId, s.sessionId, actingFor);
  return { ...s, request: (path: string) => requestWithCookie(path, s.cookie) };
}

async function logged(subjectPersonId: string) {
  return db.db
    .select({ section: accessLog.section, refs: accessLog.resourceRefs, actingAs: accessLog.actingAs, actor: accessLog.actorPersonId })
    .from(accessLog)
    .where(eq(accessLog.subjectPersonId, subjectPersonId))
    .orderBy(accessLog.id);
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

beforeAll(async () => {
  db = await createTestDatabase();
  setDatabase(db);
  const d = db.db;
  people.parent = await createPerson(d, { givenName: "Anna", birthDate: "1985-04-02" });
  people.small = await createPerson(d, { givenName: "Elsa", birthDate: yearsAgo(5) });
  people.thirteen = await createPerson(d, { givenName: "Maja", birthDate: yearsAgo(13, 20) });
  people.fourteen = await createPerson(d, { givenName: "Leo", birthDate: yearsAgo(14, 100) });
  people.other = await createPerson(d, { givenName: "Bo", birthDate: "1970-01-01" });
  await createGuardianship(d, { childPersonId: people.small.id, guardianPersonId: people.parent.id });
  await createGuardianship(d, { childPersonId: people.thirteen.id, guardianPersonId: people.parent.id });
  const vc = await createCareUnit(d, { name: "Vårdcentralen", providerKind: "region" });
  refs.parentOld = await createEntry(d, { personId: people.parent.id, section: "results", occurredAt: new Date(Date.now() - 100 * DAY), careUnitId: vc, title: "B-HbA1c", code: "59261-8", valueNumber: 50 });
  refs.parentNew = await createEntry(d, { personId: people.parent.id, section: "results", occurredAt: new Date(Date.now() - 3 * DAY), careUnitId: vc, title: "B-HbA1c", code: "59261-8", valueNumber: 57 });
  refs.smallVaccination = await createEntry(d, { personId: people.small.id, section: "vaccinations", occurredAt: new Date(Date.now() - 400 * DAY), careUnitId: vc, title: "MPR" });
  refs.thirteenNote = await createEntry(d, { personId: people.thirteen.id, section: "notes", occurredAt: new Date(Date.now() - 40 * DAY), careUnitId: vc, title: "Anteckning" });
  refs.fourteenNote = await createEntry(d, { personId: people.fourteen.id, section: "notes", occurredAt: new Date(Date.now() - 40 * DAY), careUnitId: vc, title: "Anteckning" });
  refs.otherResult = await createEntry(d, { personId: people.other.id, section: "results", occurredAt: new Date(Date.now() - 3 * DAY), careUnitId: vc, title: "B-HbA1c", code: "59261-8", valueNumber: 99 });
});

afterAll(async () => {
  setDatabase(undefined);
  await db?.destroy();
});

describe("reading one's own record", () => {
  it("shows the subject's entries and logs the section with exactly the entries shown", async () => {
    const s = await sessionFor(people.parent.id);
    const page = await readSectionPage(s.request("/record/results"), "results");
    expect(page.page.entries.map((e) => e.ref)).toEqual([refs.parentNew, refs.parentOld]);
    expect((await logged(people.parent.id)).at(-1)).toEqual({ section: "results", refs: [refs.parentNew, refs.parentOld], actingAs: "self", actor: people.parent.id });
  });

  it("takes the filters from the query string", async () => {
    const s = await sessionFor(people.parent.id);
    const page = await readSectionPage(s.request(`/record/results?from=${new Date(Date.now() - 10 * DAY).toISOString().slice(0, 10)}&page=x`), "results");
    expect(page.page.entries.map((e) => e.ref)).toEqual([refs.parentNew]);
    expect(page.filters.page).toBe(1);
    expect(page.errors).toEqual({ page: { key: "common:filterErrors.page" } });
  });

  it("names a filter it could not apply, and applies the rest", async () => {
    const s = await sessionFor(people.parent.id);
    const from = new Date(Date.now() - 10 * DAY).toISOString().slice(0, 10);
    const page = await readSectionPage(s.request(`/record/results?from=${from}&to=2026-13-45&provider=no-such-unit`), "results");
    expect(page.page.entries.map((e) => e.ref)).toEqual([refs.parentNew]);
    expect(page.filters).toEqual({ from, page: 1 });
    expect(page.typed).toEqual({ from, to: "2026-13-45" });
    expect(page.errors).toEqual({ to: { key: "common:filterErrors.date" }, provider: { key: "record:filters.errors.provider" } });
  });

  it("hides entries newer than the session's choice, everywhere", async () => {
    const s = await sessionFor(people.parent.id);
    await setHideEntriesAfter(db.db, people.parent.id, s.sessionId, new Date(Date.now() - 14 * DAY));
    const page = await readSectionPage(s.request("/record/results"), "results");
    expect(page.page.entries.map((e) => e.ref)).toEqual([refs.parentOld]);
    expect(page.hideEntriesAfter).not.toBeNull();
    const trend = await readTrendPage(s.request("/record/results/59261-8"), "59261-8");
    expect(trend.trend.points.map((p) => p.ref)).toEqual([refs.parentOld]);
    const overview = await readOverviewPage(s.request("/record"));
    expect(overview.overview.record?.results.map((r) => r.ref)).toEqual([refs.parentOld]);
    const download = await exportResponse(s.request("/record/export.json"));
    const bundle = (await download.json()) as { entry: { resource: { resourceType: string; id: string } }[] };
    expect(bundle.entry.map((e) => `${e.resource.resourceType}/${e.resource.id}`)).toEqual([`Patient/${people.parent.id}`, refs.parentOld]);
  });

  it("logs a trend, the overview, a printout and a download", async () => {
    const s = await sessionFor(people.parent.id);
    await loadTrendPage(s.request("/record/results/59261-8"), "59261-8");
    await readOverviewPage(s.request("/record"));
    await loadPrintPage(s.request("/record/print?section=results"));
    await exportResponse(s.request("/record/export.json"));
    const sections = (await logged(people.parent.id)).slice(-4);
    expect(sections).toEqual([
      { section: "results", refs: [refs.parentOld, refs.parentNew], actingAs: "self", actor: people.parent.id },
      { section: "overview", refs: [refs.parentNew, refs.parentOld], actingAs: "self", actor: people.parent.id },
      { section: "print", refs: [`Patient/${people.parent.id}`, refs.parentNew, refs.parentOld], actingAs: "self", actor: people.parent.id },
      { section: "export", refs: [`Patient/${people.parent.id}`, refs.parentNew, refs.parentOld], actingAs: "self", actor: people.parent.id },
    ]);
  });

  it("logs exactly the page's entries: not the one read past the page to know there is a next", async () => {
    const reader = await createPerson(db.db, { givenName: "Sigrid", birthDate: "1960-01-01" });
    const unit = await createCareUnit(db.db, { name: "Labbet", providerKind: "private" });
    const made: string[] = [];
    for (let i = 0; i < PAGE_SIZE + 2; i++) {
      made.push(
        await createEntry(db.db, { personId: reader.id, section: "vaccinations", occurredAt: new Date(Date.now() - (i + 1) * DAY), careUnitId: unit, title: `V${i}` }),
      );
    }
    const s = await sessionFor(reader.id);
    const first = await readSectionPage(s.request("/record/vaccinations"), "vaccinations");
    expect(first.page.hasNext).toBe(true);
    expect((await logged(reader.id)).at(-1)?.refs).toEqual(made.slice(0, PAGE_SIZE));
    const second = await readSectionPage(s.request("/record/vaccinations?page=2"), "vaccinations");
    expect(second.page.entries.map((e) => e.ref)).toEqual(made.slice(PAGE_SIZE));
    expect((await logged(reader.id)).at(-1)?.refs).toEqual(made.slice(PAGE_SIZE));
    // Past the end: the last page, said so, and logged as what it shows.
    const beyond = await readSectionPage(s.request("/record/vaccinations?page=3"), "vaccinations");
    expect(beyond.page.entries.map((e) => e.ref)).toEqual(made.slice(PAGE_SIZE));
    expect(beyond.filters.page).toBe(2);
    expect(beyond.errors).toEqual({ page: { key: "common:filterErrors.pastEnd", values: { page: 3, last: 2, count: 2 } } });
    expect((await logged(reader.id)).at(-1)?.refs).toEqual(made.slice(PAGE_SIZE));
  });

  it("a result the subject has no value of answers 404 and writes nothing to the log", async () => {
    const s = await sessionFor(people.parent.id);
    const before = (await logged(people.parent.id)).length;
    expect(await status(loadTrendPage(s.request("/record/results/1-1"), "1-1"))).toBe(404);
    expect(await logged(people.parent.id)).toHaveLength(before);
  });

  it("downloads a FHIR Bundle as an attachment named by date only", async () => {
    const s = await sessionFor(people.parent.id);
    const now = new Date();
    const day = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Stockholm" }).format(now);
    const response = await exportResponse(s.request("/record/export.json?section=results"), now);
    expect(response.headers.get("Content-Type")).toBe("application/fhir+json; charset=utf-8");
    expect(response.headers.get("Content-Disposition")).toBe(`attachment; filename="journal-results-${day}.json"`);
    expect(response.headers.get("Content-Disposition")).not.toContain(people.parent.personnummer!);
    const bundle = (await response.json()) as { resourceType: string; entry: { resource: { resourceType: string; id: string } }[] };
    expect(bundle.resourceType).toBe("Bundle");
    const observations = bundle.entry.filter((e) => e.resource.resourceType === "Observation");
    expect(observations.map((e) => `Observation/${e.resource.id}`).sort()).toEqual([refs.parentNew, refs.parentOld].sort());
  });

  it("answers 404 for an unknown section, a malformed result code or one the subject does not have", async () => {
    const s = await sessionFor(people.parent.id);
    expect(await status(loadPrintPage(s.request("/record/print?section=secrets")))).toBe(404);
    expect(await status(exportResponse(s.request("/record/export.json?section=secrets")))).toBe(404);
    expect(await status(loadTrendPage(s.request("/record/results/x"), "../../etc"))).toBe(404);
    expect(await status(loadTrendPage(s.request("/record/results/1-1"), "1-1"))).toBe(404);
  });

  it("sends someone who is not logged in to the login, and back here afterwards", async () => {
    const thrown = await readSectionPage(requestWithCookie("/record/notes?q=secret", null), "notes").catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(Response);
    expect((thrown as Response).headers.get("Location")).toBe("/login?returnTo=%2Frecord%2Fnotes");
  });
});

describe("guardians and young people", () => {
  it("a guardian reads a child under 13, logged as acting as guardian", async () => {
    const s = await sessionFor(people.parent.id, people.small.id);
    const page = await readSectionPage(s.request("/record/vaccinations"), "vaccinations");
    expect(page.page.entries.map((e) => e.ref)).toEqual([refs.smallVaccination]);
    expect((await logged(people.small.id)).at(-1)).toEqual({ section: "vaccinations", refs: [refs.smallVaccination], actingAs: "guardian", actor: people.parent.id });
  });

  it("a printout names whose record it is: the child's name and personnummer when a guardian prints it", async () => {
    const pnr = (p: { personnummer: string | null }) => `${p.personnummer!.slice(0, 8)}-${p.personnummer!.slice(8)}`;
    const own = await loadPrintPage((await sessionFor(people.parent.id)).request("/record/print"));
    expect(own.subject).toEqual({ name: "Anna Testsson", idKind: "personnummer", id: pnr(people.parent) });
    const child = await loadPrintPage((await sessionFor(people.parent.id, people.small.id)).request("/record/print?section=vaccinations"));
    expect(child.subject).toEqual({ name: "Elsa Testsson", idKind: "personnummer", id: pnr(people.small) });
    expect((await logged(people.small.id)).at(-1)).toEqual({
      section: "print",
      refs: [`Patient/${people.small.id}`, refs.smallVaccination],
      actingAs: "guardian",
      actor: people.parent.id,
    });
  });

  it("a guardian of a 13-year-old reads nothing, not even the overview, and nothing is logged", async () => {
    const s = await sessionFor(people.parent.id, people.thirteen.id);
    expect(await status(readSectionPage(s.request("/record/notes"), "notes"))).toBe(404);
    expect(await status(readOverviewPage(s.request("/record")))).toBe(404);
    expect(await status(exportResponse(s.request("/record/export.json")))).toBe(404);
    expect(await logged(people.thirteen.id)).toEqual([]);
  });

  it("a 14-year-old has an overview without a record, and no section or download", async () => {
    const s = await sessionFor(people.fourteen.id);
    const overview = await readOverviewPage(s.request("/record"));
    expect(overview.overview.record).toBeNull();
    expect(await status(readSectionPage(s.request("/record/notes"), "notes"))).toBe(404);
    expect(await status(loadPrintPage(s.request("/record/print")))).toBe(404);
    expect(await status(exportResponse(s.request("/record/export.json")))).toBe(404);
    expect((await logged(people.fourteen.id)).map((l) => l.section)).toEqual(["overview"]);
  });

  it("never shows another person's entries", async () => {
    const s = await sessionFor(people.other.id);
    const page = await readSectionPage(s.request("/record/results"), "results");
    expect(page.page.entries.map((e) => e.ref)).toEqual([refs.otherResult]);
  });

  it("the page shows exactly the entries read: the subject's, in the page's language", async () => {
    const mine = await readSectionPage((await sessionFor(people.other.id)).request("/record/results"), "results");
    const html = await renderStatic(createElement(SectionPage, { data: mine }), { path: "/record/results" });
    expect(html.match(/<article/g)).toHaveLength(1);
    expect(html).toContain(">99<");
    expect(html).not.toContain(">57<");
    const english = await readSectionPage((await sessionFor(people.parent.id)).request("/record/results?lng=en"), "results");
    const englishHtml = await renderStatic(createElement(SectionPage, { data: english }), { lng: "en", path: "/record/results?lng=en" });
    expect(englishHtml.match(/<article/g)).toHaveLength(2);
    expect(englishHtml).toContain("Kind of provider");
  });
});

describe("what requireAccess decides from the read model, at every page", () => {
  it("a person whose birth date only the personnummer tells reads their record", async () => {
    const nils = await createPerson(db.db, { givenName: "Nils", birthDate: "1990-06-01" });
    await db.db.update(peopleTable).set({ birthDate: null }).where(eq(peopleTable.id, nils.id));
    const vc = await createCareUnit(db.db, { name: "Vårdcentralen Nils", providerKind: "region" });
    const ref = await createEntry(db.db, { personId: nils.id, section: "results", occurredAt: new Date(Date.now() - 30 * DAY), careUnitId: vc, title: "B-HbA1c", code: "59261-8", valueNumber: 42 });
    const page = await readSectionPage((await sessionFor(nils.id)).request("/record/results"), "results");
    expect(page.page.entries.map((e) => e.ref)).toEqual([ref]);
    expect((await logged(nils.id)).at(-1)).toEqual({ section: "results", refs: [ref], actingAs: "self", actor: nils.id });
  });

  it("a person recorded as deceased after logging in reads nothing, and nothing is logged", async () => {
    const olle = await createPerson(db.db, { givenName: "Olle", birthDate: "1940-01-01" });
    const s = await sessionFor(olle.id);
    await createEntry(db.db, { personId: olle.id, section: "notes", occurredAt: new Date(Date.now() - 30 * DAY), title: "Anteckning" });
    await db.db.update(peopleTable).set({ deceased: true }).where(eq(peopleTable.id, olle.id));
    expect(await status(readSectionPage(s.request("/record/notes"), "notes"))).toBe(404);
    expect(await status(readOverviewPage(s.request("/record")))).toBe(404);
    expect(await logged(olle.id)).toEqual([]);
  });

  it("without a live session: to the login, nothing read, nothing logged", async () => {
    const before = await logged(people.parent.id);
    const stranger = requestWithCookie("/record/results", "portal_session=not-a-session");
    const thrown = await readSectionPage(stranger, "results").catch((e: unknown) => e);
    expect((thrown as Response).headers.get("Location")).toBe("/login?returnTo=%2Frecord%2Fresults");
    expect(await logged(people.parent.id)).toEqual(before);
  });

  it("the overview of a young person without a record names their appointments and messages, no entries", async () => {
    const s = await sessionFor(people.fourteen.id);
    const { overview } = await readOverviewPage(s.request("/record"));
    expect(overview.record).toBeNull();
    expect((await logged(people.fourteen.id)).at(-1)).toEqual({ section: "overview", refs: null, actingAs: "self", actor: people.fourteen.id });
  });
});
