import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createPerson } from "~/identity/test-factories";
import { startTestPortal, type TestPortal } from "./test-portal";
import { unreachableClinicalEnv } from "~/clinical/test-clinical-system";
import { unreachableNotificationEnv } from "~/notifications/test-notifications";

/**
 * When a page does fail (here: the database refuses the record's statement, whose error message carries the SQL), the
 * answer is the localized error page, in development mode as in production: the error stays in the server log.
 */

let portal: TestPortal;
let productionBase: string;
let cookie: string;

beforeAll(async () => {
  portal = await startTestPortal({ NODE_ENV: "development" });
  productionBase = await portal.another({ NODE_ENV: "production", OIDC_ISSUER: "https://idp.invalid", OIDC_CLIENT_ID: "portal", OIDC_CLIENT_SECRET: "secret", ...unreachableClinicalEnv(), ...unreachableNotificationEnv() });
  const person = await createPerson(portal.database.db, { birthDate: "1980-01-01" });
  cookie = await portal.loginAs(person.id);
  await portal.database.db.execute(sql`alter table record_entries rename to record_entries_elsewhere`);
});

afterAll(async () => {
  await portal?.database.db.execute(sql`alter table record_entries_elsewhere rename to record_entries`);
  await portal?.close();
});

describe("a page that fails", () => {
  it.each([
    ["development", () => portal.base],
    ["production", () => productionBase],
  ])("%s: 500 with the error page, no message, stack or SQL (document and data requests)", async (_mode, base) => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    for (const path of ["/record/notes", "/record/notes.data"]) {
      const answer = await fetch(`${base()}${path}`, { headers: { Cookie: cookie, "Accept-Language": "en" } });
      expect(answer.status, path).toBe(500);
      const body = await answer.text();
      expect(body).not.toMatch(/record_entries|select |relation|does not exist|\bat .+:\d+:\d+|\.tsx?:\d+|node_modules/i);
      if (!path.endsWith(".data")) expect(body).toContain("Something went wrong");
    }
    // The server's log says what failed, without the statement or its values (a search text may be one).
    const lines = logged.mock.calls.map((call) => call.map(String).join(" "));
    logged.mockRestore();
    expect(lines.join("\n")).toMatch(/record_entries/);
    expect(lines.join("\n")).not.toMatch(/select |params:|patient-/i);
  });
});
