import { database } from "../../db/connection";
import type { RecordSection } from "../../db/schema/record";
import type { Read } from "../../db/statements";
import { accessLogWrite, logAccess, sessionAccessLogWrite } from "~/audit/access-log.server";
import { notFound, readWithSession, requireAccess, type Access } from "~/identity/access.server";
import { html, pageMarkup } from "~/utils/html.server";
import { recordRules, type RecordRules } from "./exclusions.server";
import { entryList } from "./markup/entries.server";
import { overviewBody } from "./markup/overview.server";
import { hiddenEntriesNotice, sectionBody, withheldNotices } from "./markup/section.server";
import { recordTexts } from "./markup/texts.server";
import { trendMarkup } from "./markup/trend.server";
import { exportFileName, recordBundle } from "./export.server";
import { loadOverview, overviewRead } from "./overview.server";
import { exportEntries, printEntries, resultTrend, resultTrendRead, sectionPage, sectionPageRead } from "./queries.server";
import { filterQuery, PAGE_SIZE, parseSectionFilters, RESULT_CODE, sectionOfSlug, sectionOrder, sectionPath } from "./sections";
import type { RecordScope } from "./visibility.server";

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

/** A scope for `readWithSession`: the statement reads whose record, and the hidden-entries choice, from the session. */
function sessionScope(rules: RecordRules): RecordScope {
  return { subjectPersonId: "", hideEntriesAfter: null, rules, fromSession: true };
}

/**
 * The page's read, made in the statement that looks up the session when it can be (see `readWithSession`), otherwise
 * after `requireAccess`, for the subject it allows. Either way, `requireAccess` has allowed it.
 */
async function authorizedRead<T, Rows extends Record<string, unknown[]>>(
  request: Request,
  ownRead: (scope: RecordScope) => Read<T, Rows>,
  read: (access: Access, scope: RecordScope) => Promise<T>,
  now = new Date(),
): Promise<{ access: Access; result: T }> {
  // Kept for a minute (no round trip): the read asks to join the session's lookup before anything has started it.
  const rules = await recordRules(database());
  const early = readWithSession(request, () => ownRead(sessionScope(rules)), now);
  const access = await requireAccess(request, "read_record", { now });
  const answered = early ? await early : null;
  // The statement authorized only what requireAccess allows from its row: the person's own record (readWithSession).
  if (answered?.authorized) return { access, result: answered.result };
  return { access, result: await read(access, { subjectPersonId: access.subjectPersonId, hideEntriesAfter: access.hideEntriesAfter, rules }) };
}

function isNotFound(thrown: unknown): boolean {
  return thrown instanceof Response && thrown.status === 404;
}

/** A section page as read: authorized, the subject's entries on it, and its access-log row written with the read. */
export async function readSectionPage(request: Request, section: RecordSection) {
  const filters = parseSectionFilters(new URL(request.url).searchParams);
  // The read and its access-log row (naming exactly the entries shown) are one statement.
  const { access, result } = await authorizedRead(
    request,
    (scope) => sectionPageRead(scope, section, filters, PAGE_SIZE, sessionAccessLogWrite(section)),
    (access, scope) => sectionPage(database(), scope, section, filters, PAGE_SIZE, accessLogWrite(access, section)),
  );
  const { page, facets } = result;
  return { section, filters, page, facets, hideEntriesAfter: access.hideEntriesAfter?.toISOString() ?? null };
}

/**
 * What a section page's component gets: its title's section, and everything below the title as markup (see
 * ServerHtml): the notices, the filters, the entries and the paging.
 */
export async function loadSectionPage(request: Request, section: RecordSection) {
  const [read, texts] = await Promise.all([readSectionPage(request, section), recordTexts(request)]);
  const { entries, ...page } = read.page;
  const url = new URL(request.url);
  const body = sectionBody(texts, {
    ...read,
    page,
    entries: entries.length > 0 ? { list: entryList(texts, entries), count: entries.length } : null,
    returnTo: url.pathname + url.search,
  });
  return { section, shown: entries.length, body: pageMarkup(body) };
}

export type SectionPageData = Awaited<ReturnType<typeof loadSectionPage>>;

/** A result over time as read: authorized, and logged with the read. */
export async function readTrendPage(request: Request, code: string | undefined) {
  if (!code || !RESULT_CODE.test(code)) {
    await requireAccess(request, "read_record");
    throw notFound();
  }
  // Read and logged in one statement; a code the subject has no result of is neither shown nor logged.
  const { access, result: trend } = await authorizedRead(
    request,
    (scope) => resultTrendRead(scope, code, sessionAccessLogWrite("results", { onlyIfFound: true })),
    (access, scope) => resultTrend(database(), scope, code, accessLogWrite(access, "results", { onlyIfFound: true })),
  );
  // No such result for this subject. (When every value is withheld, the page shows the notice and no chart.)
  if (!trend) throw notFound();
  return { trend, hideEntriesAfter: access.hideEntriesAfter?.toISOString() ?? null };
}

/** What the trend page's component gets: the chart and the table as markup. */
export async function loadTrendPage(request: Request, code: string | undefined) {
  const [{ trend, hideEntriesAfter }, texts] = await Promise.all([readTrendPage(request, code), recordTexts(request)]);
  const title = trend.title ?? trend.code;
  return {
    title,
    count: trend.points.length,
    notices: pageMarkup(
      html`${hiddenEntriesNotice(texts, hideEntriesAfter, new URL(request.url).pathname)}${withheldNotices(texts, trend.withheld)}`,
    ),
    chartAndTable: trend.points.length > 0 ? pageMarkup(trendMarkup(texts, title, trend.points)) : null,
  };
}

/**
 * The page after login. A young person of 13–15 has no online record but books and messages: they get the overview's
 * appointments and messages; a guardian whose access has ended gets the 404 requireAccess answers.
 */
export async function readOverviewPage(request: Request, now = new Date()) {
  // Read and logged (the appointments, messages and entries shown) in one statement.
  try {
    const { access, result: overview } = await authorizedRead(
      request,
      (scope) => overviewRead(scope, { readRecord: true, now, logRead: sessionAccessLogWrite("overview") }),
      (access, scope) => loadOverview(database(), scope, { readRecord: true, now, logRead: accessLogWrite(access, "overview") }),
      now,
    );
    return { overview, hideEntriesAfter: access.hideEntriesAfter?.toISOString() ?? null };
  } catch (thrown) {
    if (!isNotFound(thrown)) throw thrown;
  }
  // No record shown (13–15): the appointments and messages.
  const access = await requireAccess(request, "message", { now });
  const overview = await loadOverview(database(), await scopeOf(access), { readRecord: false, now, logRead: accessLogWrite(access, "overview") });
  return { overview, hideEntriesAfter: access.hideEntriesAfter?.toISOString() ?? null };
}

/** What the overview's component gets: whether the record is shown, and everything below the title as markup. */
export async function loadOverviewPage(request: Request, now = new Date()) {
  const [{ overview, hideEntriesAfter }, texts] = await Promise.all([readOverviewPage(request, now), recordTexts(request)]);
  return {
    recordShown: overview.record !== null,
    body: pageMarkup(overviewBody(texts, overview, hideEntriesAfter, new URL(request.url).pathname)),
  };
}

export async function readPrintPage(request: Request) {
  const access = await requireAccess(request, "read_record");
  const params = new URL(request.url).searchParams;
  const slug = params.get("section");
  const section = sectionOfSlug(slug);
  if (slug && !section) throw notFound();
  const filters = parseSectionFilters(params);
  const db = database();
  const sections = await printEntries(db, await scopeOf(access), section ? [section] : sectionOrder, filters);
  await logAccess(db, access, "print", sections.flatMap((s) => s.entries.map((e) => e.ref)));
  return {
    section,
    filters,
    sections,
    printedAt: new Date().toISOString(),
    hideEntriesAfter: access.hideEntriesAfter?.toISOString() ?? null,
  };
}

/** What the printout's component gets: each section's entries as markup, without links. */
export async function loadPrintPage(request: Request) {
  const [read, texts] = await Promise.all([readPrintPage(request), recordTexts(request)]);
  const back = read.section ? `${sectionPath(read.section)}${filterQuery(read.filters)}` : "/record";
  return {
    ...read,
    back,
    hiddenEntries: pageMarkup(hiddenEntriesNotice(texts, read.hideEntriesAfter, back)),
    sections: read.sections.map(({ entries, ...s }) => ({
      ...s,
      shown: entries.length,
      entries: entries.length > 0 ? pageMarkup(entryList(texts, entries, { linkTrends: false })) : null,
    })),
  };
}

/** The FHIR download: a Bundle of exactly the shown entries, as an attachment named by date only. */
export async function exportResponse(request: Request, now = new Date()): Promise<Response> {
  const access = await requireAccess(request, "read_record", { now });
  const params = new URL(request.url).searchParams;
  const slug = params.get("section");
  const section = sectionOfSlug(slug);
  if (slug && !section) throw notFound();
  const db = database();
  const entries = await exportEntries(db, await scopeOf(access), section, parseSectionFilters(params));
  await logAccess(db, access, "export", entries.map((e) => e.ref));
  return new Response(JSON.stringify(recordBundle(entries, now)), {
    headers: {
      "Content-Type": "application/fhir+json; charset=utf-8",
      "Content-Disposition": `attachment; filename="${exportFileName(section, now)}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
