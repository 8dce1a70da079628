import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "../../db/connection";
import { createTestDatabase, type TestDatabase } from "../../db/testing";
import { createPerson } from "~/identity/test-factories";
import { config } from "~/config.server";
import { exclusionSettings, keywordPattern, normalizedKeywords, resolveRecordRules } from "./exclusions.server";
import {
  adoptKeywordRules,
  judgeAllEntries,
  judgeNextBatch,
  judgeNextBatchStatement,
  keywordVerdictsStartupTask,
} from "./keyword-verdicts.server";
import { sectionPage } from "~/record/queries.server";
import { createEntry } from "~/record/test-factories";

/**
 * Stored keyword verdicts: judged by the database as entries are written, read by the pages only under the keywords
 * they were judged against, and judged again in the background when the keywords change.
 */

let db: TestDatabase;
let person: string;

const day = (iso: string) => new Date(`${iso}T10:00:00Z`);
const FIRST = ["Våldsutsatt", "Tredje person"];
const SECOND = ["Oro för att barn far illa"];

async function verdicts(): Promise<Record<string, { version: number | null; holds: boolean | null }>> {
  const rows = rowsOf<{ ref: string; version: number | null; holds: boolean | null }>(
    await db.db.execute(sql`select resource_type || '/' || id as ref, keyword_rules_version as version, holds_keyword as holds
      from record_entries where person_id = ${person}`),
  );
  return Object.fromEntries(rows.map((r) => [r.ref, { version: r.version, holds: r.holds }]));
}

async function shownUnder(keywords: string[]) {
  const rules = await resolveRecordRules(db.db, { units: [], keywords });
  const { page, facets } = await sectionPage(db.db, { subjectPersonId: person, hideEntriesAfter: null, rules }, "notes", {});
  return { rules, refs: page.entries.map((e) => e.ref).sort(), withheld: facets.withheld.length };
}

beforeAll(async () => {
  db = await createTestDatabase();
  person = (await createPerson(db.db, { givenName: "Dagny", birthDate: "1975-05-05" })).id;
});

afterAll(async () => {
  await db?.destroy();
});

describe("keyword verdicts", () => {
  const refs = {} as Record<"unjudged" | "first" | "second" | "plain" | "renamed", string>;

  it("are not made while no keywords have been written: pages search the text", async () => {
    refs.unjudged = await createEntry(db.db, { personId: person, section: "notes", occurredAt: day("2026-01-01"), title: "Samtal", text: "Patienten är våldsutsatt." });
    expect((await verdicts())[refs.unjudged]).toEqual({ version: null, holds: null });
    const { rules, refs: shown, withheld } = await shownUnder(FIRST);
    expect(rules.keywordVerdicts).toBeNull();
    expect(shown).toEqual([]);
    expect(withheld).toBe(1);
  });

  it("are made as entries are written, case-insensitively, in title or text", async () => {
    expect(await adoptKeywordRules(db.db, keywordPattern(FIRST))).toBe(1);
    // The same keywords again: no new version.
    expect(await adoptKeywordRules(db.db, keywordPattern(FIRST))).toBe(1);
    refs.first = await createEntry(db.db, { personId: person, section: "notes", occurredAt: day("2026-02-01"), title: "TREDJE PERSON", text: "Uppgifter." });
    refs.second = await createEntry(db.db, { personId: person, section: "notes", occurredAt: day("2026-03-01"), title: "Samtal", text: "Oro för att barn far illa." });
    refs.plain = await createEntry(db.db, { personId: person, section: "notes", occurredAt: day("2026-04-01"), title: "Besök", text: "Halsont." });
    refs.renamed = await createEntry(db.db, { personId: person, section: "notes", occurredAt: day("2026-05-01"), title: "Besök", text: "Förkylning." });
    expect(await verdicts()).toMatchObject({
      [refs.unjudged]: { version: null, holds: null },
      [refs.first]: { version: 1, holds: true },
      [refs.second]: { version: 1, holds: false },
      [refs.plain]: { version: 1, holds: false },
    });
  });

  it("follow a change of title or text", async () => {
    await db.db.execute(sql`update record_entries set text = 'Tredje person nämns.' where resource_type || '/' || id = ${refs.renamed}`);
    expect((await verdicts())[refs.renamed]).toEqual({ version: 1, holds: true });
  });

  it("are what the pages read under the keywords they were judged against", async () => {
    const { rules, refs: shown, withheld } = await shownUnder(FIRST);
    expect(rules.keywordVerdicts).toBe(1);
    expect(shown).toEqual([refs.plain, refs.second].sort());
    expect(withheld).toBe(1);
    // A verdict the text would not give is believed: proof that the page reads the column, not the text.
    await db.db.execute(sql`update record_entries set holds_keyword = true where resource_type || '/' || id = ${refs.plain}`);
    expect((await shownUnder(FIRST)).refs).toEqual([refs.second]);
    await db.db.execute(sql`update record_entries set holds_keyword = false where resource_type || '/' || id = ${refs.plain}`);
  });

  it("are not read under other keywords: the text is searched, at once after a change", async () => {
    expect(await adoptKeywordRules(db.db, keywordPattern(SECOND))).toBe(2);
    // Nothing judged again yet: every entry still carries version 1 (or none), and the page searches them all.
    const before = await shownUnder(SECOND);
    expect(before.rules.keywordVerdicts).toBe(2);
    expect(before.refs).toEqual([refs.unjudged, refs.first, refs.plain, refs.renamed].sort());
    // A process still holding the first keywords no longer finds verdicts for them.
    const stale = await shownUnder(FIRST);
    expect(stale.rules.keywordVerdicts).toBeNull();
    expect(stale.refs).toEqual([refs.plain, refs.second].sort());
  });

  it("are made again for every entry, batch by batch in key order, after the keywords change", async () => {
    const first = await judgeNextBatch(db.db, 2);
    expect(first).toEqual({ done: false, judged: 2 });
    expect(await judgeAllEntries(db.db, { pauseMs: 0 })).toBe(3);
    expect(await verdicts()).toEqual({
      [refs.unjudged]: { version: 2, holds: false },
      [refs.first]: { version: 2, holds: false },
      [refs.second]: { version: 2, holds: true },
      [refs.plain]: { version: 2, holds: false },
      [refs.renamed]: { version: 2, holds: false },
    });
    expect(await judgeNextBatch(db.db)).toEqual({ done: true, judged: 0 });
    const after = await shownUnder(SECOND);
    expect(after.refs).toEqual([refs.unjudged, refs.first, refs.plain, refs.renamed].sort());
    expect(after.withheld).toBe(1);
  });

  it("judge nothing, and withhold nothing, for an empty list of keywords", async () => {
    expect(await adoptKeywordRules(db.db, keywordPattern([]))).toBe(3);
    await judgeAllEntries(db.db, { pauseMs: 0 });
    expect(Object.values(await verdicts()).every((v) => v.version === 3 && v.holds === false)).toBe(true);
    expect((await shownUnder([])).refs).toHaveLength(5);
  });

  it("at start-up become this process's keywords, every entry judged under them by the time the task is stopped", async () => {
    const stop = await keywordVerdictsStartupTask({ config: config(), database: db });
    await stop?.();
    const pattern = keywordPattern(normalizedKeywords(exclusionSettings()));
    const rules = rowsOf<{ version: number; pattern: string; done: boolean }>(
      await db.db.execute(sql`select version, pattern, restamp_done as done from record_keyword_rules`),
    );
    expect(rules).toEqual([{ version: 4, pattern, done: true }]);
    expect(Object.values(await verdicts()).map((v) => v.version)).toEqual([4, 4, 4, 4, 4]);
    expect((await shownUnder(normalizedKeywords(exclusionSettings()))).rules.keywordVerdicts).toBe(4);
  });

  it("never give a version twice, so that verdicts are not read under keywords they were not made under", async () => {
    await db.db.execute(sql`delete from record_keyword_rules`);
    expect(await adoptKeywordRules(db.db, keywordPattern(FIRST))).toBe(5);
    // Every entry still carries version 4 (other keywords): the page searches their text.
    const { rules, refs: shown } = await shownUnder(FIRST);
    expect(rules.keywordVerdicts).toBe(5);
    expect(shown).toEqual([refs.plain, refs.second].sort());
  });

  it("walk the key's index from where the last batch ended, not from the first entry", async () => {
    // The plan the database would choose for a region's table (an index scan, as on a small table it may not be):
    // the cursor must be a condition of that scan, not a filter applied to every entry before it.
    const plan = await db.db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      return rowsOf<{ "QUERY PLAN": unknown }>(await tx.execute(sql`explain (format json) ${judgeNextBatchStatement(2000)}`));
    });
    const conditions: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (!node || typeof node !== "object") return;
      const n = node as Record<string, unknown>;
      if (typeof n["Index Cond"] === "string" && n["Index Name"] === "record_entries_resource_type_id_pk") conditions.push(n["Index Cond"]);
      Object.values(n).forEach(walk);
    };
    const raw = plan[0]?.["QUERY PLAN"];
    walk(typeof raw === "string" ? JSON.parse(raw) : raw);
    // The cursor, two values computed once (InitPlans), bounds the scan of the key's index.
    expect(conditions.some((c) => /ROW\((e\.)?resource_type, (e\.)?id\) > ROW\((\(InitPlan \d+\)\.col1|\$\d+), /.test(c)), JSON.stringify(raw)).toBe(true);
  });
});
