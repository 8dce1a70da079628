import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "./connection";
import { migrate } from "./migrate";
import { accessLog } from "./schema";
import { createTestDatabase, type TestDatabase } from "./testing";

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.destroy();
});

describe("migrations", () => {
  it("create the read model and applying them again changes nothing", async () => {
    const tables = async () =>
      rowsOf<{ table_name: string }>(
        await database.db.execute(
          sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
        ),
      ).map((r) => r.table_name);
    const before = await tables();
    expect(before).toEqual(expect.arrayContaining(["people", "record_entries", "sessions", "access_log", "dead_letters"]));
    await migrate(database);
    expect(await tables()).toEqual(before);
  });

  it("make the access log append-only in the database itself", async () => {
    const [row] = await database.db
      .insert(accessLog)
      .values({ subjectPersonId: "p1", actorPersonId: "p1", actingAs: "self", section: "overview" })
      .returning({ id: accessLog.id });
    expect(row?.id).toBeGreaterThan(0);
    const refused = async (statement: ReturnType<typeof sql>) => {
      try {
        await database.db.execute(statement);
        return "allowed";
      } catch (error) {
        return ((error as { cause?: { code?: string } }).cause?.code ?? (error as { code?: string }).code) as string;
      }
    };
    expect(await refused(sql`update access_log set section = 'x'`)).toBe("42501");
    expect(await refused(sql`delete from access_log`)).toBe("42501");
    expect(await refused(sql`truncate access_log`)).toBe("42501");
    const count = rowsOf<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from access_log`));
    expect(count[0]?.n).toBe(1);
  });
});
