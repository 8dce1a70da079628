import { Placeholder, SQL, sql, type Query } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { rowsOf, type Queryable } from "./connection";

/**
 * How the pages' statements reach PostgreSQL: as named prepared statements, one round trip each (`runNamed`), their
 * text built once per shape with the values as placeholders (`runShaped`), a page's selects together in one statement
 * (`selectTogether`), and drizzle's own prepared statements built once (`preparedStatement`).
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

/** The values of a statement's placeholders (`arg(name)`), given at each run. */
export type Values = Record<string, unknown>;

/** A value the statement takes at each run: `${arg("subject")}`, filled from the run's `values`. */
export function arg(name: string): Placeholder<string> {
  return sql.placeholder(name);
}

/**
 * One statement's values from its parts' values (the subject's scope, the filters, the access-log row). A name given
 * twice must have one value: the access-log row's subject is the subject the read was of.
 */
export function valuesOf(...parts: Values[]): Values {
  const out: Values = {};
  for (const part of parts) {
    for (const name in part) {
      if (name in out && out[name] !== part[name]) throw new Error(`statement value "${name}" given twice, differently`);
      out[name] = part[name];
    }
  }
  return out;
}

type Runnable = { execute(values?: Values): Promise<unknown> };

function prepare(db: Queryable, statement: SQL): Runnable {
  return db._.session.prepareQuery(dialect.sqlToQuery(statement), undefined, NAMED, false);
}

/**
 * Runs a statement as a named prepared statement of its connection. postgres.js sends an unnamed statement with values
 * in two round trips (first to learn the values' types, then to run it); a named one is described once per connection
 * and then runs in one round trip, and PostgreSQL parses it once. postgres.js keeps each connection's statements
 * without bound, so the text must depend on the statement's shape (which section, which filters are set), never on
 * values: values go in as parameters, or as placeholders filled from `values`. (PGlite runs it as before.)
 */
export async function runNamed<T>(db: Queryable, statement: SQL, values: Values = {}): Promise<T[]> {
  return rowsOf<T>(await prepare(db, statement).execute(values));
}

const shaped = new WeakMap<Queryable, Map<string, Runnable>>();
/** Shapes kept per database: far more than the pages have (sections × which filters are set), so never reached. */
const MAX_SHAPES = 2_000;

/**
 * Runs the statement of a shape (`shape` names what decides its text: which section, which filters are set), built
 * once per database by `build` and kept: building a statement's text cost a page more than PostgreSQL's answer. Every
 * value must be a placeholder (`arg`), so a kept statement can never answer one caller with another's values.
 */
export async function runShaped<T>(db: Queryable, shape: string, build: () => SQL, values: Values): Promise<T[]> {
  let statements = shaped.get(db);
  if (!statements) shaped.set(db, (statements = new Map()));
  let statement = statements.get(shape);
  if (!statement) {
    const query = dialect.sqlToQuery(build());
    const inline = query.params.findIndex((p) => !(p instanceof Placeholder));
    if (inline >= 0) throw new Error(`statement "${shape}": value $${inline + 1} is not a placeholder`);
    statement = db._.session.prepareQuery(query, undefined, NAMED, false);
    if (statements.size < MAX_SHAPES) statements.set(shape, statement);
  }
  return rowsOf<T>(await statement.execute(values));
}

export interface TogetherPart {
  query: SQL;
  /** The order of the rows in the array, over the query's output columns. */
  orderBy?: SQL;
  /**
   * Which of the part's rows the page shows, for a write in the same statement (see `selectTogether`): each row's
   * reference (an expression over the row `x`), only rows matching `where`, at most `limit` of them in `orderBy` order.
   */
  shown?: { ref: SQL; where?: SQL; limit?: SQL | number };
}

/**
 * A write made in the statement that reads, given the references of the rows shown (a jsonb array, null when none) and
 * whether the parts that show rows found any row at all (boolean).
 */
export type WriteWithRead = (shownRefs: SQL, anyRow: SQL) => SQL;

/** A write with the values of its placeholders, as a page hands it to the statement that reads (the access-log row). */
export interface ReadsWrite {
  write: WriteWithRead;
  values: Values;
}

export interface Together<T> {
  /** Each part's select, by the name its rows come back under. */
  parts: { [K in keyof T]: TogetherPart };
  /** A write the statement makes, given what it shows (the access-log row). */
  write?: WriteWithRead;
  /** WITH queries before the parts, which parts and write may read by name (`name as (query)`). */
  before?: SQL[];
  /** Placeholders the statement fills itself, each with an expression (see `bindPlaceholders`). */
  bind?: Record<string, SQL>;
}

/**
 * `statement` with each placeholder named in `bindings` replaced by that expression: a value the statement works out
 * itself instead of taking it from the caller (whose record, from the statement's own session row).
 */
export function bindPlaceholders(statement: SQL, bindings: Record<string, SQL>): SQL {
  const bind = (chunk: unknown): unknown => {
    if (chunk instanceof Placeholder) return Object.hasOwn(bindings, chunk.name) ? bindings[chunk.name] : chunk;
    if (chunk instanceof SQL) return new SQL(chunk.queryChunks.map(bind) as SQL["queryChunks"]);
    if (Array.isArray(chunk)) return chunk.map(bind);
    return chunk;
  };
  return bind(statement) as SQL;
}

/** The one statement of `selectTogether`: each part a WITH query, the write a data-modifying one. */
function togetherStatement<T>(together: Together<T>): SQL {
  const statement = togetherText(together);
  return together.bind ? bindPlaceholders(statement, together.bind) : statement;
}

function togetherText<T>({ parts, write, before }: Together<T>): SQL {
  const names = Object.keys(parts) as (keyof T & string)[];
  // Each part is a WITH query: PostgreSQL inlines one read once, and keeps the rows of one the write reads too.
  const source = (i: number): SQL => sql`${sql.identifier(`part_${i}`)}`;
  const withParts = [...(before ?? []), ...names.map((name, i) => sql`${source(i)} as (${parts[name].query})`)];
  if (write) {
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
    withParts.push(sql`written as (${write(refs, anyRow)})`);
  }
  const columns = names.map((name, i) => {
    const { orderBy } = parts[name];
    const order = orderBy ? sql` order by ${orderBy}` : sql``;
    return sql`(select coalesce(json_agg(x${order}), '[]'::json) from ${source(i)} x) as ${sql.identifier(name)}`;
  });
  return sql`with ${sql.join(withParts, sql`, `)} select ${sql.join(columns, sql`, `)}`;
}

/**
 * Several selects in one round trip: each part's rows come back as one JSON array (keys: its output columns), so a
 * page's queries cost one statement. JSON carries instants as ISO text and numerics as numbers.
 *
 * With a `write`, the statement also makes that write (a data-modifying WITH query, run exactly once, whatever the
 * select reads of it): a page's read and the access-log row naming what it shows are one statement, so there is
 * never one without the other, and no second round trip.
 *
 * `build` is called only when the statement of `shape` is not built yet (see `runShaped`); without a shape, every time.
 */
export async function selectTogether<T extends Record<string, unknown[]>>(
  db: Queryable,
  build: () => Together<T>,
  options: { shape?: string; values?: Values } = {},
): Promise<T> {
  const values = options.values ?? {};
  const rows = options.shape
    ? await runShaped<Record<string, unknown>>(db, `together|${options.shape}`, () => togetherStatement(build()), values)
    : await runNamed<Record<string, unknown>>(db, togetherStatement(build()), values);
  const row = rows[0] ?? {};
  const out = {} as Record<string, unknown[]>;
  for (const name in row) out[name] = jsonValue<unknown[] | null>(row[name] as unknown[] | string | null) ?? [];
  return out as T;
}

/** A json column's value: postgres.js (through drizzle) hands it over as text, PGlite already parsed. */
export function jsonValue<T>(value: T | string): T {
  return typeof value === "string" ? (JSON.parse(value) as T) : value;
}

/**
 * A page's read as one statement still to run: its parts and write (`together`), what decides its text (`shape`), the
 * values of its placeholders, and how its rows become the page's answer. Run by `runRead`, or by a statement that
 * adds to it (the request's session lookup, see `readWithSession`).
 */
export interface Read<Result, Rows extends Record<string, unknown[]> = Record<string, unknown[]>> {
  together: () => Together<Rows>;
  shape: string;
  values: Values;
  result: (rows: Rows) => Result;
}

export async function runRead<Result, Rows extends Record<string, unknown[]>>(db: Queryable, read: Read<Result, Rows>): Promise<Result> {
  return read.result(await selectTogether<Rows>(db, read.together, { shape: read.shape, values: read.values }));
}
