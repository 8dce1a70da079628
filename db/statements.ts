import { Placeholder, type Query, type SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { rowsOf, type Queryable } from "./connection";

/**
 * How the pages' statements reach PostgreSQL: as named prepared statements, one round trip each (`runNamed`), and
 * drizzle's own prepared statements built once (`preparedStatement`).
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

/** The values of a statement's placeholders (`sql.placeholder(name)`), given at each run. */
export type Values = Record<string, unknown>;

/**
 * Runs a statement as a named prepared statement of its connection. postgres.js sends an unnamed statement with values
 * in two round trips (first to learn the values' types, then to run it); a named one is described once per connection
 * and then runs in one round trip, and PostgreSQL parses it once. postgres.js keeps each connection's statements
 * without bound, so the text must depend on the statement's shape (which section, which filters are set), never on
 * values: values go in as parameters (`${value}`), or as placeholders (`sql.placeholder(name)`) filled from `values`.
 * (PGlite runs it as before.)
 */
export async function runNamed<T>(db: Queryable, statement: SQL, values: Values = {}): Promise<T[]> {
  const query = db._.session.prepareQuery(dialect.sqlToQuery(statement), undefined, NAMED, false);
  return rowsOf<T>(await query.execute(values));
}

/** A json column's value: postgres.js (through drizzle) hands it over as text, PGlite already parsed. */
export function jsonValue<T>(value: T | string): T {
  return typeof value === "string" ? (JSON.parse(value) as T) : value;
}
