import { eq, sql, type SQL } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { people } from "./schema";
import {
  arg,
  jsonValue,
  preparedStatement,
  runNamed,
  runShaped,
  selectTogether,
  valuesOf,
  type TogetherPart,
  type WriteWithRead,
} from "./statements";
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

  it("reads several parts in one statement and makes the write once, with the references of the rows shown", async () => {
    const write: WriteWithRead = (refs, anyRow) => sql`
      insert into access_log (subject_person_id, actor_person_id, acting_as, section, resource_refs)
      select 'p-anna', 'p-anna', 'self', 'test:together', ${refs} where ${anyRow}`;
    const people = (where: SQL): TogetherPart => ({
      query: sql`select id, given_name from people where ${where}`,
      orderBy: sql`id desc`,
      shown: { ref: sql`'Patient/' || x.id`, where: sql`x.given_name <> 'Bo'`, limit: 1 },
    });
    const read = await selectTogether<{ everyone: { id: string }[]; nobody: { id: string }[] }>(handle.db, () => ({
      parts: { everyone: people(sql`true`), nobody: people(sql`false`) },
      write,
    }));
    expect(read.everyone.map((p) => p.id)).toEqual(["p-bo", "p-anna"]);
    expect(read.nobody).toEqual([]);
    const written = async () =>
      rowsOf<{ refs: unknown }>(await handle.db.execute(sql`select resource_refs as refs from access_log where section = 'test:together'`));
    // Bo is not shown (where), Anna is the one row within the limit.
    expect((await written()).map((r) => jsonValue(r.refs as string))).toEqual([["Patient/p-anna"]]);
    await selectTogether(handle.db, () => ({ parts: { nobody: people(sql`false`) }, write }));
    expect(await written()).toHaveLength(1);
  });

  it("builds a shape's statement once, and runs it with each caller's values", async () => {
    let built = 0;
    const nameOf = (id: string) =>
      runShaped<{ given_name: string }>(
        handle.db,
        "test:shaped-name",
        () => {
          built++;
          return sql`select given_name from people where id = ${arg("id")}`;
        },
        { id },
      );
    expect(await nameOf("p-anna")).toEqual([{ given_name: "Anna" }]);
    expect(await nameOf("p-bo")).toEqual([{ given_name: "Bo" }]);
    expect(built).toBe(1);
  });

  it("refuses to keep a shape's statement that holds a value: the next caller would be answered with it", async () => {
    await expect(runShaped(handle.db, "test:shaped-kept", () => sql`select given_name from people where id = ${"p-anna"}`, {})).rejects.toThrow(
      /not a placeholder/,
    );
  });

  it("refuses a run that lacks a value, and a value given twice, differently", async () => {
    await expect(runShaped(handle.db, "test:shaped-missing", () => sql`select ${arg("x")}::text as x`, {})).rejects.toThrow(/placeholder "x"/);
    expect(valuesOf({ subject: "a" }, { subject: "a", actor: "b" })).toEqual({ subject: "a", actor: "b" });
    expect(() => valuesOf({ subject: "a" }, { subject: "b" })).toThrow(/subject/);
  });

  it("a shaped selectTogether builds its parts once", async () => {
    let built = 0;
    const read = (name: string) =>
      selectTogether<{ found: { id: string }[] }>(
        handle.db,
        () => {
          built++;
          return { parts: { found: { query: sql`select id from people where given_name = ${arg("name")}` } } };
        },
        { shape: "test:together-shaped", values: { name } },
      );
    expect((await read("Anna")).found).toEqual([{ id: "p-anna" }]);
    expect((await read("Bo")).found).toEqual([{ id: "p-bo" }]);
    expect(built).toBe(1);
  });
});
