import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FEED_PATH } from "~/feed/http.server";
import { createPerson } from "~/identity/test-factories";
import { countRequest } from "./rate-limit";
import { startTestPortal, TEST_ORIGIN, type TestPortal } from "./test-portal";
import { unreachableClinicalEnv } from "~/clinical/test-clinical-system";
import { unreachableNotificationEnv } from "~/notifications/test-notifications";

/**
 * Rate limits over HTTP, on two portal processes sharing one database: the count is the database's, so a client
 * cannot double its allowance by reaching another process. Production mode trusts one proxy, so X-Forwarded-For
 * names the client.
 */

const FEED_TOKEN = "rate-limit-feed-token-0123456789abcdef";
const LIMITS = { RATE_LIMIT_LOGINS_PER_10_MINUTES: "3", RATE_LIMIT_FORM_POSTS_PER_MINUTE: "3", RATE_LIMIT_FEED_REQUESTS_PER_MINUTE: "3" };
const PRODUCTION = { NODE_ENV: "production", OIDC_ISSUER: "https://idp.invalid", OIDC_CLIENT_ID: "portal", OIDC_CLIENT_SECRET: "secret", FEED_TOKEN, ...unreachableClinicalEnv(), ...unreachableNotificationEnv() };

let portal: TestPortal;
let other: string;
let client = 0;
/** A client address of its own for each test. */
const nextClient = () => `203.0.113.${++client}`;

beforeAll(async () => {
  portal = await startTestPortal({ ...PRODUCTION, ...LIMITS });
  other = await portal.another({ ...PRODUCTION, ...LIMITS });
});

afterAll(async () => {
  await portal?.close();
});

async function statuses(requests: (() => Promise<Response>)[]): Promise<Response[]> {
  const answers: Response[] = [];
  for (const request of requests) answers.push(await request());
  return answers;
}

describe("rate limits", () => {
  it("login attempts: the fourth within 10 minutes from one client gets 429 with Retry-After, on whichever process", async () => {
    const from = nextClient();
    const get = (base: string, path: string) => () => fetch(`${base}${path}`, { headers: { "X-Forwarded-For": from, "Accept-Language": "en" }, redirect: "manual" });
    const answers = await statuses([get(portal.base, "/login/start"), get(other, "/auth/callback"), get(portal.base, "/login/start"), get(other, "/login/start")]);
    expect(answers.map((a) => a.status < 429)).toEqual([true, true, true, false]);
    const refused = answers[3]!;
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(500);
    expect(retryAfter).toBeLessThanOrEqual(600);
    const page = await refused.text();
    expect(page).toContain("Too many attempts");
    expect(page).toContain("Wait 10 minutes");

    // The same client stays refused; another client is not affected; pages that are not logins are not counted.
    expect((await get(portal.base, "/login/start")()).status).toBe(429);
    expect((await fetch(`${portal.base}/login/start`, { headers: { "X-Forwarded-For": nextClient() }, redirect: "manual" })).status).toBeLessThan(429);
    expect((await fetch(`${portal.base}/accessibility`, { headers: { "X-Forwarded-For": from } })).status).toBe(200);
  });

  it("form posts: the fourth within a minute gets 429, and the action does not run", async () => {
    const from = nextClient();
    const person = await createPerson(portal.database.db, { birthDate: "1980-01-01" });
    const cookie = await portal.loginAs(person.id);
    const post = (base: string) => () =>
      fetch(`${base}/language`, {
        method: "POST",
        headers: { Cookie: cookie, Origin: TEST_ORIGIN, "Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": from },
        body: "lng=en&returnTo=%2Faccessibility",
        redirect: "manual",
      });
    const answers = await statuses([post(portal.base), post(other), post(portal.base), post(other)]);
    expect(answers.map((a) => a.status)).toEqual([303, 303, 303, 429]);
    expect(Number(answers[3]!.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(answers[3]!.headers.get("set-cookie")).toBeNull();
  });

  it("feed requests: the fourth within a minute gets 429 as an OperationOutcome", async () => {
    const from = nextClient();
    const push = () =>
      fetch(`${portal.base}${FEED_PATH}`, {
        method: "POST",
        headers: { Authorization: `Bearer ${FEED_TOKEN}`, "Content-Type": "application/fhir+json", "X-Forwarded-For": from },
        body: JSON.stringify({ resourceType: "Bundle", type: "collection", entry: [] }),
      });
    const answers = await statuses([push, push, push, push]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    expect(answers[3]!.headers.get("content-type")).toContain("application/fhir+json");
    expect(await answers[3]!.json()).toMatchObject({ resourceType: "OperationOutcome", issue: [{ code: "throttled" }] });
    expect(Number(answers[3]!.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("a window that has ended starts again from one", async () => {
    const rule = { name: "test", limit: 1, windowSeconds: 1 };
    expect(await countRequest(portal.database.db, rule, "198.51.100.1")).toMatchObject({ allowed: true });
    expect(await countRequest(portal.database.db, rule, "198.51.100.1")).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
    await new Promise((r) => setTimeout(r, 1100));
    expect(await countRequest(portal.database.db, rule, "198.51.100.1")).toMatchObject({ allowed: true });
  });
});
