import { Placeholder, sql, type Query, type SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { rowsOf, type Queryable } from "./connection";

/**
 * How the pages' statements reach PostgreSQL: as named prepared statements, one round trip each (`runNamed`), a
 * page's selects together in one statement (`selectTogether`), and drizzle's own prepared statements built once
 * (`preparedStatement`).
 */

const prepared = new WeakMap<Queryable, Map<string, unknown>>();

/**
 * A drizzle prepared statement (`….prepare(name)`), made once per database (or transaction) and name, so its text is
 * built once: for the lookups by key every request makes (a session, a person). Its values must be
 * `sql.placeholder(name)`, so a value can never be kept in the reused statement.
 */
export function preparedStatement<T extends { getQuery(): Query }>(db: Queryable, name: string, prepare: (db: Queryable) => T): T {
  let statements = prepared.get(db);
  if (!statements) prepared.set(db, (statements = new Map()));
  let statement = statements.get(name) as T | undefined;
  if (statement === undefined) {
    statement = prepare(db);
    const query = statement.getQuery();
    const inline = query.params.findIndex((p) => !(p instanceof Placeholder));
    if (inline >= 0) throw new Error(`statement "${name}": value $${inline + 1} is not a placeholder`);
    statements.set(name, statement);
  }
  return statement;
}

const dialect = new PgDialect({ casing: "snake_case" });
// drizzle's postgres.js driver names nothing itself: any name asks postgres.js to prepare and keep the statement.
const NAMED = "named";

/**
 * Runs a statement as a named prepared statement of its connection. postgres.js sends an unnamed statement with values
 * in two round trips (first to learn the values' types, then to run it); a named one is described once per connection
 * and then runs in one round trip, and PostgreSQL parses it once. postgres.js keeps each connection's statements
 * without bound, so the text must depend on the statement's shape (which section, which filters are set), never on
 * values: values go in as parameters. (PGlite runs it as before.)
 */
export async function runNamed<T>(db: Queryable, statement: SQL): Promise<T[]> {
  return rowsOf<T>(await db._.session.prepareQuery(dialect.sqlToQuery(statement), undefined, NAMED, false).execute());
}

export interface TogetherPart {
  query: SQL;
  /** The order of the rows in the array, over the query's output columns. */
  orderBy?: SQL;
  /**
   * Which of the part's rows the page shows, for a write in the same statement (see `selectTogether`): each row's
   * reference (an expression over the row `x`), only rows matching `where`, at most `limit` of them in `orderBy` order.
   */
  shown?: { ref: SQL; where?: SQL; limit?: number };
}

/**
 * A write made in the statement that reads, given the references of the rows shown (a jsonb array, null when none) and
 * whether the parts that show rows found any row at all (boolean).
 */
export type WriteWithRead = (shownRefs: SQL, anyRow: SQL) => SQL;

/**
 * Several selects in one round trip: each part's rows come back as one JSON array (keys: its output columns), so a
 * page's queries cost one statement. JSON carries instants as ISO text and numerics as numbers.
 *
 * With `write`, the statement also makes that write (a data-modifying WITH query, run exactly once, whatever the
 * select reads of it): a page's read and the access-log row naming what it shows are one statement, so there is
 * never one without the other, and no second round trip.
 */
export async function selectTogether<T extends Record<string, unknown[]>>(
  db: Queryable,
  parts: { [K in keyof T]: TogetherPart },
  options: { write?: WriteWithRead } = {},
): Promise<T> {
  const names = Object.keys(parts) as (keyof T & string)[];
  // Each part is a WITH query: PostgreSQL inlines one read once, and keeps the rows of one the write reads too.
  const source = (i: number): SQL => sql`${sql.identifier(`part_${i}`)}`;
  const withParts = names.map((name, i) => sql`${source(i)} as (${parts[name].query})`);
  if (options.write) {
    const showing = names.flatMap((name, i) => (parts[name].shown ? [{ i, part: parts[name] }] : []));
    const shownRows = showing.map(({ i, part }) => {
      const { ref, where, limit } = part.shown as NonNullable<TogetherPart["shown"]>;
      const order = part.orderBy ? sql`order by ${part.orderBy}` : sql``;
      return sql`(select ${sql.raw(String(i))} as part, row_number() over (${order}) as n, ${ref} as ref
                    from ${source(i)} x${where ? sql` where ${where}` : sql``}
                    ${order}${limit !== undefined ? sql` limit ${limit}` : sql``})`;
    });
    const refs =
      shownRows.length > 0 ? sql`(select jsonb_agg(ref order by part, n) from (${sql.join(shownRows, sql` union all `)}) shown)` : sql`null::jsonb`;
    const anyRow =
      showing.length > 0 ? sql.join(showing.map(({ i }) => sql`exists (select 1 from ${source(i)})`), sql` or `) : sql`false`;
    withParts.push(sql`written as (${options.write(refs, anyRow)})`);
  }
  const columns = names.map((name, i) => {
    const { orderBy } = parts[name];
    const order = orderBy ? sql` order by ${orderBy}` : sql``;
    return sql`(select coalesce(json_agg(x${order}), '[]'::json) from ${source(i)} x) as ${sql.identifier(name)}`;
  });
  const row = (await runNamed<Record<string, unknown>>(db, sql`with ${sql.join(withParts, sql`, `)} select ${sql.join(columns, sql`, `)}`))[0] ?? {};
  const out = {} as Record<string, unknown[]>;
  for (const name of names) {
    const value = row[name];
    out[name] = jsonValue<unknown[] | null>(value as unknown[] | string | null) ?? [];
  }
  return out as T;
}

/** A json column's value: postgres.js (through drizzle) hands it over as text, PGlite already parsed. */
export function jsonValue<T>(value: T | string): T {
  return typeof value === "string" ? (JSON.parse(value) as T) : value;
}
