import { sql } from "drizzle-orm";
import { rowsOf, type Queryable } from "../../db/connection";
import { logger } from "~/utils/logger";
import type { StartupTask } from "~/startup-task";
import { exclusionSettings, keywordPattern, normalizedKeywords } from "./exclusions.server";

/**
 * Each entry's keyword verdict is stored with it (record_entries.holds_keyword, set by a trigger on every write of its
 * title or text, under the version of record_keyword_rules it names), so that a page tests a column instead of
 * searching the text of every entry it lists or counts. This module keeps those rules in step with the configuration:
 * a process whose keywords differ writes them as a new version, and every entry is then judged again in the
 * background, in key order, a batch per transaction. Until an entry has been, pages search its text
 * (visibility.server), so a change of keywords is never shown late.
 */

const BATCH = 2_000;

/**
 * Makes `pattern` the keywords entries are judged against; a new version (from a sequence: never one given before)
 * when it differs from the stored one, which starts the judging again from the first entry. Returns the version that
 * has the stored keywords: another process's, should one have written different keywords at the same moment (this
 * process's pages then search the text, as for any keywords without verdicts).
 */
export async function adoptKeywordRules(db: Queryable, pattern: string): Promise<number> {
  const stored = async () => rowsOf<{ version: number; pattern: string }>(await db.execute(sql`select version, pattern from record_keyword_rules where id`))[0];
  const current = await stored();
  if (current?.pattern === pattern) return current.version;
  const written = rowsOf<{ version: number }>(
    await db.execute(
      current
        ? sql`update record_keyword_rules set version = nextval('record_keyword_rules_versions'), pattern = ${pattern},
                changed_at = now(), restamp_after_type = null, restamp_after_id = null, restamp_done = false
              where id and pattern is distinct from ${pattern}
              returning version`
        : sql`insert into record_keyword_rules (id, version, pattern) values (true, nextval('record_keyword_rules_versions'), ${pattern})
              on conflict (id) do nothing
              returning version`,
    ),
  );
  return written[0]?.version ?? (await stored())!.version;
}

/**
 * The statement that judges the next batch (see `judgeNextBatch`); on its own so that a test can read its plan: the
 * key's index must start at the cursor, or each batch walks it from the first entry.
 */
export function judgeNextBatchStatement(batchSize = BATCH) {
  return sql`
    with rules as (
      select version, coalesce(restamp_after_type, '') as after_type, coalesce(restamp_after_id, '') as after_id
      from record_keyword_rules where id and not restamp_done
      for update skip locked
    ), batch as (
      -- The cursor as values (subqueries run once), so that the key's index starts at it: a join to the rules row
      -- would walk the index from its first entry on every batch.
      select e.resource_type, e.id, e.keyword_rules_version is distinct from (select version from rules) as stale
      from record_entries e
      where (e.resource_type, e.id) > ((select after_type from rules), (select after_id from rules))
      order by e.resource_type, e.id
      limit ${batchSize}
    ), judged as (
      update record_entries e set keyword_rules_version = null
      from batch where batch.stale and e.resource_type = batch.resource_type and e.id = batch.id
      returning 1
    ), last as (
      select resource_type, id from batch order by resource_type desc, id desc limit 1
    )
    update record_keyword_rules r
    set restamp_after_type = coalesce((select resource_type from last), r.restamp_after_type),
        restamp_after_id = coalesce((select id from last), r.restamp_after_id),
        restamp_done = (select count(*) from batch) < ${batchSize}
    from rules
    where r.id
    returning r.restamp_done as done, (select count(*)::int from judged) as judged`;
}

/**
 * Judges the next batch of entries (after the last one judged) against the current rules, when they are not judged
 * under them yet. One statement: the rules row is locked for it, so two processes never judge the same batch; one
 * that finds it locked does nothing this time. Returns whether every entry has been judged under the current version.
 */
export async function judgeNextBatch(db: Queryable, batchSize = BATCH): Promise<{ done: boolean; judged: number }> {
  const rows = rowsOf<{ done: boolean; judged: number } | { done: null; judged: null }>(
    await db.execute(judgeNextBatchStatement(batchSize)),
  );
  const row = rows[0];
  if (!row) {
    // Done already, or another process holds this batch.
    const state = rowsOf<{ done: boolean }>(await db.execute(sql`select restamp_done as done from record_keyword_rules where id`));
    return { done: state[0]?.done ?? true, judged: 0 };
  }
  return { done: row.done === true, judged: row.judged ?? 0 };
}

/** This process's configured keywords (RECORD_EXCLUDED_KEYWORDS) made the rules: see `adoptKeywordRules`. */
export function adoptConfiguredKeywords(db: Queryable): Promise<number> {
  return adoptKeywordRules(db, keywordPattern(normalizedKeywords(exclusionSettings())));
}

/** Judges batches until every entry has been judged under the current rules (or `stopped()` says to stop). */
export async function judgeAllEntries(db: Queryable, options: { stopped?: () => boolean; pauseMs?: number } = {}): Promise<number> {
  let total = 0;
  for (;;) {
    if (options.stopped?.()) return total;
    const { done, judged } = await judgeNextBatch(db);
    total += judged;
    if (done) return total;
    // Between batches: the pages' statements come first.
    await new Promise((resolve) => setTimeout(resolve, options.pauseMs ?? 20));
  }
}

/** At start-up: this process's keywords become the rules, and entries not judged under them are judged in the background. */
export const keywordVerdictsStartupTask: StartupTask = async ({ database }) => {
  const db = database.db;
  await adoptConfiguredKeywords(db);
  let stopped = false;
  const running = judgeAllEntries(db, { stopped: () => stopped }).then(
    (judged) => {
      if (judged > 0) logger.info({ judged }, "entries judged against the configured keywords");
    },
    (error: unknown) => {
      // Pages stay correct without the verdicts (they search the text); the next start-up goes on from here.
      logger.error({ error: error instanceof Error ? error.message : String(error) }, "judging entries against the keywords stopped");
    },
  );
  return async () => {
    stopped = true;
    await running;
  };
};
