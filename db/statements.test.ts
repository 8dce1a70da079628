import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { people } from "./schema";
import { jsonValue, preparedStatement, runNamed } from "./statements";
import { rowsOf } from "./connection";
import { createTestDatabase, testServerUrl, type TestDatabase } from "./testing";

/** PostgreSQL's own prepared statements; PGlite runs every statement as before. */
const testServerUrlSet = () => testServerUrl() !== undefined;

let handle: TestDatabase;
beforeAll(async () => {
  handle = await createTestDatabase();
  await handle.db.insert(people).values([
    { id: "p-anna", givenName: "Anna", lastUpdated: new Date(), raw: {} },
    { id: "p-bo", givenName: "Bo", lastUpdated: new Date(), raw: {} },
  ]);
});
afterAll(async () => {
  await handle.destroy();
});

describe("reused statements", () => {
  it("a prepared statement is made once per database and answers each call with that call's values", async () => {
    let made = 0;
    const byId = () =>
      preparedStatement(handle.db, "test_person_by_id", (d) => {
        made++;
        return d
          .select({ givenName: people.givenName })
          .from(people)
          .where(eq(people.id, sql.placeholder("id")))
          .prepare("test_person_by_id");
      });
    expect(await byId().execute({ id: "p-anna" })).toEqual([{ givenName: "Anna" }]);
    expect(await byId().execute({ id: "p-bo" })).toEqual([{ givenName: "Bo" }]);
    expect(made).toBe(1);
  });

  it("refuses a statement that would keep a value: the next caller would be answered with the first one's", async () => {
    expect(() =>
      preparedStatement(handle.db, "test_kept_value", (d) =>
        d.select({ id: people.id }).from(people).where(eq(people.id, "p-anna")).prepare("test_kept_value"),
      ),
    ).toThrow(/not a placeholder/);
  });

  it.runIf(testServerUrlSet())(
    "a named statement is kept by its connection and run again without a new parse (one round trip)",
    async () => {
      await handle.db.transaction(async (tx) => {
        const text = "select given_name from people where id = $1 and 'test:named' <> ''";
        const nameOf = (id: string) =>
          runNamed<{ given_name: string }>(tx, sql`select given_name from people where id = ${id} and 'test:named' <> ''`);
        expect(await nameOf("p-anna")).toEqual([{ given_name: "Anna" }]);
        expect(await nameOf("p-bo")).toEqual([{ given_name: "Bo" }]);
        const kept = await tx.execute(sql`select count(*)::int as n from pg_prepared_statements where statement = ${text}`);
        expect(rowsOf<{ n: number }>(kept)[0]?.n).toBe(1);
      });
    },
  );

  it("runs a named statement with each run's placeholder values", async () => {
    const nameOf = (id: string) => runNamed<{ given_name: string }>(handle.db, sql`select given_name from people where id = ${sql.placeholder("id")}`, { id });
    expect(await nameOf("p-anna")).toEqual([{ given_name: "Anna" }]);
    expect(await nameOf("p-bo")).toEqual([{ given_name: "Bo" }]);
  });

  it("reads a json column whichever driver ran the statement", async () => {
    const [row] = await runNamed<{ doc: unknown }>(handle.db, sql`select json_build_object('id', ${"p-anna"}::text) as doc`);
    expect(jsonValue(row?.doc)).toEqual({ id: "p-anna" });
  });
});
