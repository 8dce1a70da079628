import { database } from "../../db/connection";
import type { RecordSection } from "../../db/schema/vocabulary";
import { logAccess } from "~/audit/access-log.server";
import { config } from "~/config.server";
import { recordRules } from "~/disclosure/exclusions.server";
import { notFound, requireAccess, type Access } from "~/identity/access.server";
import { pageMarkup } from "~/utils/html.server";
import { entryList } from "./markup/entries.server";
import { recordTexts } from "./markup/texts.server";
import { trendMarkup } from "./markup/trend.server";
import { exportFileName, recordExport } from "./export.server";
import { loadOverview, overviewRefs } from "./overview.server";
import { printEntries, resultTrend, sectionPage, subjectPerson, type RecordScope, type SubjectPerson } from "./queries.server";
import { notApplied, parseSectionFilters } from "./filters.server";
import { filterQuery, PAGE_SIZE, RESULT_CODE, sectionOfSlug, sectionOrder, sectionPath } from "./sections";

/**
 * What each record page loads, for the thin route modules: authorize (requireAccess, "read_record"), query with the
 * subject on screen, log what was shown, and return plain data.
 */

async function scopeOf(access: Access): Promise<RecordScope> {
  return {
    subjectPersonId: access.subjectPersonId,
    hideEntriesAfter: access.hideEntriesAfter,
    rules: await recordRules(database()),
  };
}

function isNotFound(thrown: unknown): boolean {
  return thrown instanceof Response && thrown.status === 404;
}

/** A section page as read: authorized, the subject's entries on it, and an access-log row naming exactly those. */
export async function readSectionPage(request: Request, section: RecordSection) {
  const access = await requireAccess(request, "read_record");
  const { filters, typed, errors } = parseSectionFilters(new URL(request.url).searchParams, section);
  const db = database();
  const { page, facets, applied } = await sectionPage(db, await scopeOf(access), section, filters, PAGE_SIZE);
  await logAccess(db, access, section, page.entries.map((e) => e.ref));
  return {
    section,
    filters: applied,
    typed,
    errors: { ...errors, ...notApplied(filters, applied) },
    page,
    facets,
    hideEntriesAfter: access.hideEntriesAfter?.toISOString() ?? null,
  };
}

/** What a section page's component gets (see app/components/record/section-page.tsx). */
export type SectionPageRead = Awaited<ReturnType<typeof readSectionPage>>;

/** A result over time as read: authorized, and logged with the values shown. */
export async function readTrendPage(request: Request, code: string | undefined) {
  const access = await requireAccess(request, "read_record");
  if (!code || !RESULT_CODE.test(code)) throw notFound();
  const db = database();
  const trend = await resultTrend(db, await scopeOf(access), code);
  // No such result for this subject: neither shown nor logged. (When every value is withheld, the page shows the
  // notice and no chart, and the log names no value.)
  if (!trend) throw notFound();
  await logAccess(db, access, "results", trend.points.map((p) => p.ref));
  return { trend, hideEntriesAfter: access.hideEntriesAfter?.toISOString() ?? null };
}

/** What the trend page's component gets: the notices' data, and the chart and the table as markup (see ServerHtml). */
export async function loadTrendPage(request: Request, code: string | undefined) {
  const [{ trend, hideEntriesAfter }, texts] = await Promise.all([readTrendPage(request, code), recordTexts(request)]);
  const title = trend.title ?? trend.code;
  return {
    title,
    count: trend.points.length,
    hideEntriesAfter,
    withheld: trend.withheld,
    chartAndTable: trend.points.length > 0 ? pageMarkup(trendMarkup(texts, title, trend.points)) : null,
  };
}

/**
 * The page after login. A young person of 13–15 has no online record but books and messages: they get the overview's
 * appointments and messages; a guardian whose access has ended gets the 404 requireAccess answers.
 */
export async function readOverviewPage(request: Request, now = new Date()) {
  const recordAccess = await requireAccess(request, "read_record", { now }).catch((thrown: unknown) => {
    if (isNotFound(thrown)) return null;
    throw thrown;
  });
  // No record shown (13–15): the appointments and messages.
  const access = recordAccess ?? (await requireAccess(request, "message", { now }));
  const db = database();
  const overview = await loadOverview(db, await scopeOf(access), { readRecord: recordAccess !== null, now });
  await logAccess(db, access, "overview", overviewRefs(overview));
  return { overview, hideEntriesAfter: access.hideEntriesAfter?.toISOString() ?? null };
}

/** Whose record a printout is: their name and national id (personnummer, else samordningsnummer) as YYYYMMDD-NNNN. */
function printedSubject(person: SubjectPerson) {
  const number = person.personnummer ?? person.samordningsnummer;
  return {
    name: [person.givenName, person.familyName].filter(Boolean).join(" ") || null,
    idKind: person.personnummer ? ("personnummer" as const) : person.samordningsnummer ? ("samordningsnummer" as const) : null,
    id: number ? `${number.slice(0, 8)}-${number.slice(8)}` : null,
  };
}

/** The printout as read: the subject's name and national id and the entries, all of it logged. */
export async function readPrintPage(request: Request) {
  const access = await requireAccess(request, "read_record");
  const params = new URL(request.url).searchParams;
  const slug = params.get("section");
  const section = sectionOfSlug(slug);
  if (slug && !section) throw notFound();
  const { filters } = parseSectionFilters(params, section);
  const db = database();
  const scope = await scopeOf(access);
  const [sections, person] = await Promise.all([printEntries(db, scope, section ? [section] : sectionOrder, filters), subjectPerson(db, scope)]);
  const entryRefs = sections.flatMap((s) => s.entries.map((e) => e.ref));
  await logAccess(db, access, "print", person ? [`Patient/${person.id}`, ...entryRefs] : entryRefs);
  return {
    section,
    filters,
    sections,
    subject: person ? printedSubject(person) : null,
    printedAt: new Date().toISOString(),
    hideEntriesAfter: access.hideEntriesAfter?.toISOString() ?? null,
  };
}

/** What the printout's component gets: each section's entries as markup (see ServerHtml), without links. */
export async function loadPrintPage(request: Request) {
  const [read, texts] = await Promise.all([readPrintPage(request), recordTexts(request)]);
  return {
    ...read,
    back: read.section ? `${sectionPath(read.section)}${filterQuery(read.filters)}` : "/record",
    sections: read.sections.map(({ entries, ...s }) => ({
      ...s,
      shown: entries.length,
      entries: entries.length > 0 ? pageMarkup(entryList(texts, entries)) : null,
    })),
  };
}

/**
 * The FHIR download: a Bundle of the subject's Patient and exactly the shown entries (with the units, staff and products
 * they name), as an attachment named by date only. The log names the Patient and the entries.
 */
export async function exportResponse(request: Request, now = new Date()): Promise<Response> {
  const access = await requireAccess(request, "read_record", { now });
  const params = new URL(request.url).searchParams;
  const slug = params.get("section");
  const section = sectionOfSlug(slug);
  if (slug && !section) throw notFound();
  const db = database();
  const { bundle, shown } = await recordExport(db, await scopeOf(access), section, parseSectionFilters(params, section).filters, `${config().publicOrigin}/fhir/`, now);
  await logAccess(db, access, "export", shown);
  return new Response(JSON.stringify(bundle), {
    headers: {
      "Content-Type": "application/fhir+json; charset=utf-8",
      "Content-Disposition": `attachment; filename="${exportFileName(section, now)}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
