import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setDatabase } from "../../db/connection";
import { notificationOutbox } from "../../db/schema";
import { createTestDatabase, type TestDatabase } from "../../db/testing";
import { createSession, setActingFor } from "~/identity/session.server";
import { createGuardianship, createPerson, requestWithCookie } from "~/identity/test-factories";
import { parseConfig } from "~/config.server";
import { readContactSettings } from "./contact-settings.server";
import { sendersFor } from "./delivery.server";
import { notificationPass } from "./pass.server";
import { notificationRelay } from "./startup.server";
import { insertCareMessage, setContactSettings } from "./test-notifications";
import { readContactSettingsPage, readDevelopmentNotificationsPage, saveContactSettingsPage } from "./pages.server";

/** The contact settings page through a real session cookie, and the development sink's page. */

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  setDatabase(database);
}, 120_000);
afterAll(async () => {
  await database?.destroy();
});

async function sessionFor(personId: string, actingFor?: string) {
  const s = await createSession(database.db, { personId });
  if (actingFor) await setActingFor(database.db, personId, s.sessionId, actingFor);
  return {
    get: (path: string) => requestWithCookie(path, s.cookie),
    post: (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
      requestWithCookie(path, s.cookie, { method: "POST", body: new URLSearchParams(fields), headers }),
  };
}

async function outcome(promise: Promise<unknown>): Promise<{ status: number; location?: string | null; body?: unknown }> {
  try {
    const value = (await promise) as { data?: unknown; init?: { status?: number } | null };
    return { status: value?.init?.status ?? 200, body: value?.data ?? value };
  } catch (thrown) {
    if (thrown instanceof Response) return { status: thrown.status, location: thrown.headers.get("Location") };
    throw thrown;
  }
}

describe("the contact settings page", () => {
  it("asks for a login", async () => {
    const answer = await outcome(readContactSettingsPage(requestWithCookie("/settings/contact", null)));
    expect(answer.status).toBe(302);
    expect(answer.location).toMatch(/^\/login\?returnTo=%2Fsettings%2Fcontact$/);
  });

  it("saves the person's own settings, the number as E.164 and the page's language, and confirms with a 303", async () => {
    const parent = await createPerson(database.db, { birthDate: "1980-01-01" });
    const child = await createPerson(database.db, { birthDate: "2018-05-05" });
    await createGuardianship(database.db, { childPersonId: child.id, guardianPersonId: parent.id });
    // Acting for the child: the settings are still the parent's own.
    const s = await sessionFor(parent.id, child.id);
    const saved = await outcome(
      saveContactSettingsPage(s.post("/settings/contact", { email: " parent@example.se ", mobile: "070-123 45 67", byEmail: "on", bySms: "on", onNewMessage: "on" }, { "Accept-Language": "en" })),
    );
    expect(saved).toEqual({ status: 303, location: "/settings/contact?saved=1" });
    expect(await readContactSettings(database.db, parent.id)).toMatchObject({ email: "parent@example.se", mobile: "+46701234567", byEmail: true, bySms: true, onNewMessage: true, language: "en" });
    expect(await readContactSettings(database.db, child.id)).toBeNull();

    const page = await readContactSettingsPage(s.get("/settings/contact?saved=1"));
    expect(page).toMatchObject({ saved: true, values: { email: "parent@example.se", mobile: "070-123 45 67", byEmail: true, bySms: true, onNewMessage: true } });
    expect(page.offered).toEqual(["email", "sms"]);
  });

  it("refuses a bad address or number with the error by its field, keeps what was typed, and saves nothing", async () => {
    const person = await createPerson(database.db, { birthDate: "1975-02-02" });
    const s = await sessionFor(person.id);
    const answer = await outcome(saveContactSettingsPage(s.post("/settings/contact", { email: "not-an-address", mobile: "08-123 456", bySms: "on", onNewMessage: "on" })));
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      errors: { email: "notifications:errors.email", mobile: "notifications:errors.mobile" },
      values: { email: "not-an-address", mobile: "08-123 456", byEmail: false, bySms: true, onNewMessage: true },
    });
    expect(await readContactSettings(database.db, person.id)).toBeNull();

    const missing = await outcome(saveContactSettingsPage(s.post("/settings/contact", { email: "", mobile: "", byEmail: "on", bySms: "on" })));
    expect(missing.body).toMatchObject({ errors: { email: "notifications:errors.emailRequired", mobile: "notifications:errors.mobileRequired" } });
    expect(await readContactSettings(database.db, person.id)).toBeNull();
  });

  it("takes +467 and 00467 numbers, and no channel at all", async () => {
    const person = await createPerson(database.db, { birthDate: "1990-03-03" });
    const s = await sessionFor(person.id);
    await outcome(saveContactSettingsPage(s.post("/settings/contact", { mobile: "+46 70 765 43 21" })));
    expect(await readContactSettings(database.db, person.id)).toMatchObject({ mobile: "+46707654321", byEmail: false, bySms: false, onNewMessage: false, language: "sv" });
    await outcome(saveContactSettingsPage(s.post("/settings/contact", { mobile: "0046707654322", bySms: "on", onNewMessage: "on" })));
    expect(await readContactSettings(database.db, person.id)).toMatchObject({ mobile: "+46707654322", bySms: true });
  });
});

describe("the development page", () => {
  it("lists what the pass told through the development sink, and nothing leaves the machine", async () => {
    await database.db.execute(sql`truncate notification_outbox, notified_messages, notification_windows, notification_pass restart identity`);
    const person = await createPerson(database.db, { birthDate: "1970-07-07" });
    await setContactSettings(database.db, person.id, { email: "dev@example.se", mobile: "+46701112233", language: "en" });
    await insertCareMessage(database.db, { personId: person.id });
    const config = parseConfig({ NODE_ENV: "development", PUBLIC_ORIGIN: "http://localhost:3000" });
    const senders = sendersFor(config);
    expect([...senders.sink].sort()).toEqual(["email", "sms"]);
    await notificationPass(database.db, { now: new Date(), channels: config.NOTIFICATION_CHANNELS });
    await notificationRelay(database.db, config, senders).deliverDue();
    const { sent } = await readDevelopmentNotificationsPage();
    expect(sent.map((n) => [n.channel, n.to, n.text]).sort()).toEqual([
      ["email", "dev@example.se", "You have a new message in Min vård. Log in at http://localhost:3000 to read it."],
      ["sms", "+46701112233", "You have a new message in Min vård. Log in at http://localhost:3000 to read it."],
    ]);
  });

  it("lists what the development sink took, newest first", async () => {
    await database.db.execute(sql`truncate notification_outbox restart identity`);
    await database.db.insert(notificationOutbox).values([
      { kind: "notification.email", subjectPersonId: "p:email", payload: { to: "a@example.se", language: "sv" }, state: "delivered", finishedAt: new Date("2026-12-01T10:00:00Z"), result: { channel: "email", to: "a@example.se", text: "Du har fått ett nytt meddelande i Min vård.", sink: "development" } },
      { kind: "notification.sms", subjectPersonId: "p:sms", payload: { to: "+46701234567", language: "en" }, state: "delivered", finishedAt: new Date("2026-12-01T10:01:00Z"), result: { channel: "sms", to: "+46701234567", text: "You have a new message in Min vård.", sink: "development" } },
      { kind: "notification.sms", subjectPersonId: "q:sms", payload: { to: "+46700000000", language: "sv" }, state: "pending" },
    ]);
    const { sent } = await readDevelopmentNotificationsPage();
    expect(sent.map((n) => [n.channel, n.to, n.text, n.at])).toEqual([
      ["sms", "+46701234567", "You have a new message in Min vård.", "2026-12-01T10:01:00.000Z"],
      ["email", "a@example.se", "Du har fått ett nytt meddelande i Min vård.", "2026-12-01T10:00:00.000Z"],
    ]);
  });
});
