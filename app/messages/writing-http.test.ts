import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { careUnits } from "../../db/schema";
import { createPerson } from "~/identity/test-factories";
import { createCareUnit } from "~/record/test-factories";
import { startTestPortal, TEST_ORIGIN, type TestPortal } from "~/server/test-portal";
import { PNG } from "./test-files";

/**
 * The new message's page served for real (the production build, the edge, JavaScript off): the form as the browser
 * gets it, a multipart post through the edge, the text back in the field with the server's word on its length, and
 * a post far over every limit refused with a page (413).
 */

let portal: TestPortal;
let cookie: string;
let personId: string;
let unitId: string;

beforeAll(async () => {
  portal = await startTestPortal({ MESSAGE_FORM_MAX_BODY_BYTES: String(2 * 1024 * 1024) });
  const db = portal.database.db;
  personId = (await createPerson(db, { birthDate: "1980-01-01" })).id;
  unitId = await createCareUnit(db, { name: "Vårdcentralen Webb", providerKind: "region" });
  await db.update(careUnits).set({ openMessaging: true, answerWorkingDays: 2 }).where(eq(careUnits.id, unitId));
  cookie = await portal.loginAs(personId);
});

afterAll(async () => {
  await portal?.close();
});

const page = (path: string) => fetch(`${portal.base}${path}`, { headers: { Cookie: cookie, "Accept-Language": "en" } });

function post(fields: Record<string, string>, files: { name: string; bytes: Uint8Array }[] = []) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const f of files) form.append("attachments", new Blob([new Uint8Array(f.bytes)]), f.name);
  return fetch(`${portal.base}/messages/new`, { method: "POST", body: form, redirect: "manual", headers: { Cookie: cookie, Origin: TEST_ORIGIN, "Accept-Language": "en" } });
}

const tokenOf = (html: string) => /name="formToken" value="([^"]+)"/.exec(html)?.[1] ?? "";

describe("the new message's page, without JavaScript", () => {
  it("lists the unit, and its form has the topic, the text with its counter, the files and the stated limits", async () => {
    const list = await (await page("/messages/new")).text();
    expect(list).toContain(`href="/messages/new?unit=${unitId}"`);
    const answer = await page(`/messages/new?unit=${unitId}`);
    expect(answer.status).toBe(200);
    const html = await answer.text();
    expect(html).toMatch(/<form method="post" action="[^"]*" enctype="multipart\/form-data"/i);
    expect(html).toContain("4,000 characters left");
    expect(html).toMatch(/<p class="counter" id="[^"]+" aria-live="polite">/);
    expect(html).toMatch(/<input[^>]*type="file"[^>]*name="attachments"[^>]*multiple=""[^>]*accept="[^"]*image\/png/);
    expect(html).toContain("At most 5 files of at most 10 MB each");
    expect(html).toContain("The clinic answers within 2 working days.");
    expect(html).toContain("Question about treatment");
    expect(tokenOf(html)).toMatch(/^[A-Za-z0-9_-]{24}$/);
  });

  it("a text too long comes back in the field, escaped, and the server says by how much", async () => {
    const html = await (await page(`/messages/new?unit=${unitId}`)).text();
    const text = `<script>alert(1)</script>${"x".repeat(4000)}`;
    const answer = await post({ subject: personId, formToken: tokenOf(html), unit: unitId, topic: "other", body: text }, [{ name: "a.png", bytes: PNG }]);
    expect(answer.status).toBe(400);
    const back = await answer.text();
    expect(back).toContain("The message is 25 characters too long. It may be at most 4,000 characters.");
    expect(back).toContain("&lt;script&gt;alert(1)&lt;/script&gt;xxx");
    expect(back).not.toContain("<script>alert(1)");
    expect(back).toContain("The files you chose were not sent.");
    expect(back).toMatch(/<textarea[^>]*aria-describedby="[^"]*-body-error"[^>]*aria-invalid="true"/);
  });

  it("sent through the edge as multipart: 303 to the conversation", async () => {
    const html = await (await page(`/messages/new?unit=${unitId}`)).text();
    const answer = await post({ subject: personId, formToken: tokenOf(html), unit: unitId, topic: "question", body: "Hej från webben" }, [{ name: "a.png", bytes: PNG }]);
    expect(answer.status).toBe(303);
    expect(answer.headers.get("Location")).toMatch(/^\/messages\/[0-9a-f-]{36}$/);
  });

  it("a post far over every limit is refused with a page (413)", async () => {
    const answer = await post({ subject: personId, formToken: "x".repeat(24), unit: unitId, topic: "other", body: "stort" }, [{ name: "big.png", bytes: new Uint8Array(3 * 1024 * 1024) }]);
    expect(answer.status).toBe(413);
    expect(await answer.text()).toMatch(/<h1>[^<]+<\/h1>/);
  });
});
