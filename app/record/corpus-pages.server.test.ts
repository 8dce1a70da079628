import { existsSync } from "node:fs";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf, setDatabase } from "../../db/connection";
import type { RecordSection } from "../../db/schema/vocabulary";
import { createTestDatabase, type TestDatabase } from "../../db/testing";
import { corpusDir, ingestCorpusFolder, swedenDir, syntheaDir } from "~/feed/test-corpus.server";
import { swedishDate } from "~/i18n/dates";
import { ownCapabilities, type SubjectFacts } from "~/identity/rules";
import { createSession } from "~/identity/session.server";
import { requestWithCookie } from "~/identity/test-factories";
import { createElement, Fragment } from "react";
import { WithheldNotices } from "~/components/record/notices";
import { ComingUp, RecordHighlights, SectionLinks } from "~/components/record/overview-cards";
import { SectionPage } from "~/components/record/section-page";
import { renderStatic } from "~/components/test-render";
import type { PageMarkup } from "~/utils/html.server";
import { r4Problems } from "./fhir-r4";
import { exportResponse, loadPrintPage, loadTrendPage, readOverviewPage, readSectionPage } from "./pages.server";
import { PRINT_LIMIT, RESULT_CODE, sectionOrder, sectionPath } from "./sections";

/**
 * The record pages over data nobody on this project wrote (the external corpus, see test-corpus.server.ts): for every
 * person in it, whatever their record holds, each section reads whole page by page, every result over time opens, and
 * the overview, printout and download are made, in Swedish and English. Nothing is lost or shown twice, and nothing
 * reads "undefined" where a value was missing.
 */

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  setDatabase(database);
  await ingestCorpusFolder(database.db, syntheaDir);
  await ingestCorpusFolder(database.db, swedenDir);
}, 300_000);

afterAll(async () => {
  setDatabase(undefined);
  await database.destroy();
});

const LANGUAGES = ["sv", "en"] as const;

/** Text a page must never show: a missing value printed as it is, or a date or number that could not be read. */
const MISSING = /(>|\s|^)(undefined|null|NaN|Invalid Date|\[object Object\])(<|\s|$)/;

function markupOf(markup: PageMarkup | null): string {
  if (markup === null) return "";
  if (!("html" in markup)) throw new Error("outside a page's render, markup comes in the data");
  return markup.html;
}

function expectWellFormed(html: string, where: string) {
  expect(MISSING.exec(html)?.[0] ?? null, where).toBeNull();
  // Every value is escaped: the corpus's texts never become markup.
  expect(html, where).not.toMatch(/<script|javascript:/i);
}

async function liveRefs(personId: string, section: RecordSection | null): Promise<string[]> {
  const rows = rowsOf<{ ref: string }>(
    await database.db.execute(sql`
      select resource_type || '/' || id as ref from record_entries
       where person_id = ${personId} and deleted_at is null ${section ? sql`and section = ${section}` : sql``}`),
  );
  return rows.map((r) => r.ref).sort();
}

describe.skipIf(!existsSync(corpusDir) && !process.env.CI)("the record pages over the external FHIR corpus", () => {
  it("reads every reader's whole record, section by section and page by page, in both languages", async () => {
    const people = rowsOf<SubjectFacts & { id: string }>(
      await database.db.execute(sql`
        select id, birth_date as "birthDate", deceased, protected_identity as "protectedIdentity" from people order by id`),
    );
    const readers = people.filter((p) => ownCapabilities(p, swedishDate(new Date())).includes("read_record"));
    // The corpus has adults with long records: if none could read theirs, this test would read nothing.
    expect(readers.length).toBeGreaterThan(10);

    let pagesRead = 0;
    for (const person of readers) {
      const { cookie } = await createSession(database.db, { personId: person.id });
      const request = (path: string, lng: (typeof LANGUAGES)[number] = "sv") =>
        requestWithCookie(path, cookie, { headers: { "Accept-Language": lng } });

      const live = new Map<RecordSection, string[]>();
      for (const section of sectionOrder) {
        live.set(section, await liveRefs(person.id, section));
        const path = sectionPath(section);
        const shown: string[] = [];
        let previous: string | null | undefined;
        for (let page = 1; ; page++) {
          const loaded = await readSectionPage(request(`${path}?page=${page}`), section);
          const { page: read, facets } = loaded;
          // Nothing in this corpus comes from an excluded unit or holds an excluded keyword.
          expect(facets.withheld, `${person.id} ${section}`).toEqual([]);
          for (const entry of read.entries) {
            // Newest first, undated last, across the pages.
            if (previous !== undefined && entry.occurredAt !== null) {
              expect(previous !== null && previous >= entry.occurredAt, `${person.id} ${section} order`).toBe(true);
            }
            previous = entry.occurredAt;
            shown.push(entry.ref);
          }
          for (const lng of LANGUAGES) {
            const body = await renderStatic(createElement(SectionPage, { data: loaded }), { lng, path: `${path}?page=${page}` });
            expect(body.match(/<article /g) ?? [], `${person.id} ${section} page ${page}`).toHaveLength(read.entries.length);
            expectWellFormed(body, `${person.id} ${section} page ${page} (${lng})`);
          }
          pagesRead++;
          if (!read.hasNext) break;
          expect(read.entries.length).toBe(read.pageSize);
        }
        // Every live entry of the section once, and only the person's own.
        expect([...shown].sort(), `${person.id} ${section}`).toEqual(live.get(section));
      }

      const codes = rowsOf<{ code: string }>(
        await database.db.execute(sql`
          select distinct code from record_entries
           where person_id = ${person.id} and section = 'results' and deleted_at is null and value_number is not null`),
      );
      for (const { code } of codes.filter((c) => RESULT_CODE.test(c.code))) {
        for (const lng of LANGUAGES) {
          const trend = await loadTrendPage(request(`/record/results/${encodeURIComponent(code)}`, lng), code);
          expect(trend.count, `${person.id} ${code}`).toBeGreaterThan(0);
          expectWellFormed(markupOf(trend.chartAndTable), `${person.id} trend ${code} (${lng})`);
          const notices = await renderStatic(createElement(WithheldNotices, { notices: trend.withheld }), { lng });
          expectWellFormed(notices, `${person.id} trend notices ${code} (${lng})`);
        }
      }

      for (const lng of LANGUAGES) {
        const { overview } = await readOverviewPage(request("/record", lng));
        expect(overview.record, person.id).not.toBeNull();
        const cards = createElement(
          Fragment,
          null,
          createElement(ComingUp, { overview }),
          createElement(RecordHighlights, { record: overview.record! }),
          createElement(SectionLinks),
        );
        expectWellFormed(await renderStatic(cards, { lng }), `${person.id} overview (${lng})`);
        const printout = await loadPrintPage(request("/record/print", lng));
        for (const s of printout.sections) {
          expect(s.shown, `${person.id} print ${s.section}`).toBe(Math.min(PRINT_LIMIT, live.get(s.section)?.length ?? 0));
          expectWellFormed(markupOf(s.entries), `${person.id} print ${s.section} (${lng})`);
        }
      }

      const download = await exportResponse(request("/record/export.json"));
      const bundle = (await download.json()) as { entry: { resource: { resourceType: string; id: string } }[] };
      expect(r4Problems(bundle), person.id).toEqual([]);
      const held = bundle.entry.map((e) => `${e.resource.resourceType}/${e.resource.id}`);
      expect(held[0], person.id).toBe(`Patient/${person.id}`);
      const others = new Set(["Patient", "Organization", "Practitioner", "Medication"]);
      expect(held.filter((r) => !others.has(r.split("/")[0]!)).sort()).toEqual(await liveRefs(person.id, null));
    }
    expect(pagesRead).toBeGreaterThan(readers.length * sectionOrder.length);
  }, 600_000);
});
