import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPerson } from "~/identity/test-factories";
import { startTestPortal, type TestPortal } from "./test-portal";

/**
 * Every page's document is titled by what it is (WCAG 2.4.2), in the server's document itself: without JavaScript
 * that is the only title there is.
 */

let portal: TestPortal;
let cookie: string;

beforeAll(async () => {
  portal = await startTestPortal();
  const person = await createPerson(portal.database.db, { birthDate: "1980-01-01" });
  cookie = await portal.loginAs(person.id);
});

afterAll(async () => {
  await portal?.close();
});

async function titleOf(path: string, language: string, loggedIn = true): Promise<string> {
  const answer = await fetch(`${portal.base}${path}`, { headers: { "Accept-Language": language, ...(loggedIn ? { Cookie: cookie } : {}) } });
  const titles = [...(await answer.text()).matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1]);
  expect(titles, path).toHaveLength(1);
  return titles[0] as string;
}

describe("the document title", () => {
  it.each([
    ["/record/notes", "sv", "Anteckningar – "],
    ["/record/notes", "en", "Notes – "],
    ["/record/medications", "sv", "Läkemedel – "],
    ["/access-log", "en", "Who has read the record – "],
    ["/sessions", "sv", "Mina inloggningar"],
    ["/messages", "sv", "Meddelanden – "],
    ["/messages", "en", "Messages – "],
    ["/settings/contact", "sv", "Aviseringar – "],
    ["/settings/contact", "en", "Notifications – "],
    ["/dev/notifications", "en", "Notifications that would have been sent – "],
  ])("%s (%s) is titled by its page", async (path, language, start) => {
    expect(await titleOf(path, language)).toMatch(new RegExp(`^${start}`));
  });

  it("names the page for someone logged out, and escapes what it is given", async () => {
    expect(await titleOf("/accessibility", "en", false)).toMatch(/^Accessibility statement – /);
    expect(await titleOf("/no-such-page", "en", false)).not.toMatch(/[<>]/);
  });
});
