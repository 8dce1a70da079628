import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPerson } from "~/identity/test-factories";
import { startTestPortal, type TestPortal } from "~/server/test-portal";
import { readContactSettings } from "./contact-settings.server";

/** /settings/contact served by the built portal, as a browser without JavaScript uses it. */

let portal: TestPortal;
let cookie: string;
let personId: string;

beforeAll(async () => {
  portal = await startTestPortal();
  personId = (await createPerson(portal.database.db, { birthDate: "1980-01-01" })).id;
  cookie = await portal.loginAs(personId);
}, 120_000);
afterAll(async () => {
  await portal?.close();
});

/** A post from another site (its Origin), or from the portal's own page (a browser's Sec-Fetch-Site). */
const post = (fields: Record<string, string>, origin?: string) =>
  fetch(`${portal.base}/settings/contact`, {
    method: "POST",
    redirect: "manual",
    headers: { Cookie: cookie, ...(origin ? { Origin: origin } : { "Sec-Fetch-Site": "same-origin" }), "Content-Type": "application/x-www-form-urlencoded", "Accept-Language": "en" },
    body: new URLSearchParams(fields),
  });

describe("the contact settings page", () => {
  it("is linked from the header, with labelled fields", async () => {
    const html = await (await fetch(`${portal.base}/settings/contact`, { headers: { Cookie: cookie, "Accept-Language": "en" } })).text();
    expect(html).toContain('href="/settings/contact"');
    expect(html).toMatch(/<label for="contact-email">E-mail address<\/label>/);
    expect(html).toMatch(/<label for="contact-mobile">Mobile number<\/label>/);
  });

  it("refuses a post from another origin and saves nothing", async () => {
    const answer = await post({ email: "x@example.se", byEmail: "on" }, "https://evil.example");
    expect(answer.status).toBe(403);
    expect(await readContactSettings(portal.database.db, personId)).toBeNull();
  });

  it("answers a wrong number with 400, the error next to the field and what was typed kept; a right one with 303", async () => {
    const wrong = await post({ email: "me@example.se", mobile: "12345", bySms: "on" });
    expect(wrong.status).toBe(400);
    const html = await wrong.text();
    expect(html).toMatch(/id="contact-mobile-error"[^>]*>Enter a Swedish mobile number/);
    expect(html).toMatch(/<input[^>]*aria-describedby="contact-mobile-hint contact-mobile-error"/);
    expect(html).toContain('value="12345"');
    expect(await readContactSettings(portal.database.db, personId)).toBeNull();

    const right = await post({ email: "me@example.se", mobile: "0701234567", bySms: "on", onNewMessage: "on" });
    expect(right.status).toBe(303);
    expect(right.headers.get("location")).toBe("/settings/contact?saved=1");
    const saved = await (await fetch(`${portal.base}/settings/contact?saved=1`, { headers: { Cookie: cookie, "Accept-Language": "en" } })).text();
    expect(saved).toContain("Your notification settings are saved.");
    expect(await readContactSettings(portal.database.db, personId)).toMatchObject({ mobile: "+46701234567", bySms: true, language: "en" });
  });
});
