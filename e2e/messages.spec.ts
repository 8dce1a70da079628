import type { Locator, Page } from "@playwright/test";
import type { TFunction } from "i18next";
import { castEntry, type CastKey } from "../app/feed/demo/cast";
import { formatNumber } from "../app/i18n/format";
import { PDF } from "../app/messages/test-files";
import { actFor } from "./booking-helpers";
import { expect, onEmbeddedDatabaseToo, test } from "./fixtures";
import {
  careTeamCloses,
  careTeamReplies,
  careTeamSends,
  careUnit,
  escapeRegExp,
  headerUnread,
  inboxEntry,
  marker,
  pngFile,
  reloadUntil,
  sentMessageId,
} from "./messages-helpers";
import { loginAs } from "./record-helpers";

/**
 * Messages, as the demo cast meets them (issue #28): Anna reads a conversation the care team started, writes to her
 * health centre with a photo, replies and is answered by a named nurse (and told so by e-mail, without a word of
 * content); Johan writes for five-year-old Elsa; bad input is refused next to its field with nothing lost.
 *
 * Each run makes its own conversations (a marker in their topics and texts), so that the sv and en projects and the
 * runs with JavaScript on and off do not meet. The portal runs with the development stand-in of the clinical system:
 * the outbox relay delivers what the citizen wrote within seconds, and the poller (every 5 s) brings the care team's
 * answers, which the journeys write through the stand-in's loopback endpoints.
 */

const name = (key: CastKey) => `${castEntry(key).given} ${castEntry(key).family}`;
const HEALTH_CENTRE = careUnit("nhKungshojd");
const BVC = careUnit("nhKungshojdBvc");
/** The health centre's stated answer time (the demo's primary care: 3 working days). */
const ANSWER_DAYS = 3;

/** The messages of the conversation on screen, in order. */
const messagesOf = (page: Page) => page.locator("main ol.messages-list > li > article.message");
/** The message (article) whose text holds `text`. */
const messageWith = (page: Page, text: string) => messagesOf(page).filter({ has: page.locator(".message__body", { hasText: text }) });
const statusIn = (message: Locator) => message.locator(".message__status .message-status");

/** The error a field's aria-describedby points at (the one with class field-error). */
async function errorOf(page: Page, field: Locator): Promise<Locator> {
  await expect(field).toHaveAttribute("aria-invalid", "true");
  const ids = ((await field.getAttribute("aria-describedby")) ?? "").split(" ").filter(Boolean);
  for (const id of ids) {
    const candidate = page.locator(`[id="${id}"]`);
    if ((await candidate.getAttribute("class"))?.includes("field-error")) return candidate;
  }
  throw new Error(`no error describes the field (aria-describedby="${ids.join(" ")}")`);
}

/** The inbox → "Write a message" → the unit's link: ends on the form for that unit. Every page scanned. */
async function toNewMessageForm(page: Page, t: TFunction, scan: () => Promise<void>, unitName: string) {
  await page.getByRole("link", { name: t("messages:inbox.write") }).click();
  await expect(page).toHaveURL(/\/messages\/new$/);
  await expect(page.getByRole("heading", { level: 2, name: t("messages:write.chooseUnit") })).toBeVisible();
  await scan();
  await page.getByRole("link", { name: unitName, exact: true }).click();
  await expect(page).toHaveURL(/\/messages\/new\?unit=/);
  await expect(page.locator("main form strong")).toHaveText(unitName);
  await scan();
}

/** Chooses the unit's first topic; returns its name as shown. */
async function chooseFirstTopic(page: Page, t: TFunction): Promise<string> {
  const select = page.getByLabel(t("messages:write.topic"));
  await select.selectOption({ index: 1 });
  return (await select.locator("option:checked").textContent())!.trim();
}

/**
 * After a message was sent: its page shows it sending (or, quickly, already delivered); reloading, delivered. The
 * page's address becomes the clinical system's id of the conversation once it has it: the page it ends on is scanned.
 */
async function untilDelivered(page: Page, t: TFunction, scan: () => Promise<void>, text: string) {
  const message = messageWith(page, text);
  await expect(message).toHaveCount(1);
  await expect(statusIn(message)).toHaveText(new RegExp(`^(${escapeRegExp(t("messages:status.sending"))}|${escapeRegExp(t("messages:status.delivered"))})$`));
  await scan();
  const before = new URL(page.url()).pathname;
  await reloadUntil(page, async () => {
    await expect(statusIn(messageWith(page, text))).toHaveText(t("messages:status.delivered"), { timeout: 1_000 });
  });
  if (new URL(page.url()).pathname !== before) await scan();
}

for (const javaScriptEnabled of [true, false]) {
  test.describe(`messages with JavaScript ${javaScriptEnabled ? "on" : "off"}`, () => {
    test.use({ javaScriptEnabled });

    test("reading a conversation: unread in the inbox and the header, the messages in order with their authors and files, then read", async ({ page, scan, t, lng }) => {
      await loginAs(page, { t, scan, key: "main", returnTo: "/messages" });
      await scan();
      // The care team writes from the health centre, and a named nurse follows up in the same conversation.
      const mk = marker();
      const topic = `Kallelse till kontroll ${mk}`;
      const first = `Hej Anna! Det är dags för din årliga kontroll (${mk}).`;
      const second = `Hej igen! Ring oss gärna om tiden inte passar (${mk}).`;
      const sent = await careTeamSends("main", { subject: topic, content: first, fromUnit: HEALTH_CENTRE.id });
      const fileName = `provsvar-${mk}.pdf`;
      await careTeamReplies(sent.id, { content: second, from: HEALTH_CENTRE.staff.id, file: { fileName, contentType: "application/pdf", bytes: PDF } });

      const entry = inboxEntry(page, topic);
      await reloadUntil(page, () => expect(entry).toHaveCount(1, { timeout: 1_000 }));
      // Unread, in words: in the inbox and in the header's count.
      await expect(entry.locator(".unread-mark")).toHaveText(`${t("messages:inbox.unread")}:`);
      const unread = await headerUnread(page, t);
      expect(unread).toBeGreaterThan(0);
      await expect(page.getByRole("banner").locator('a[href="/messages"]')).toHaveText(t("identity:header.messagesUnread", { count: unread, n: formatNumber(unread, lng) }));

      await entry.getByRole("link").click();
      await expect(page).toHaveURL(/\/messages\/[^/]+$/);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(topic);
      const messages = messagesOf(page);
      await expect(messages).toHaveCount(2);
      // In order, each with its author and time: the clinic first, then the nurse by name and role.
      await expect(messages.nth(0).locator(".message__body")).toHaveText(first);
      await expect(messages.nth(0).locator(".message__author")).toHaveText(t("messages:author.unit", { unit: HEALTH_CENTRE.name }));
      await expect(messages.nth(1).locator(".message__body")).toHaveText(second);
      await expect(messages.nth(1).locator(".message__author")).toHaveText(
        t("messages:author.professional", { author: HEALTH_CENTRE.staff.name, role: HEALTH_CENTRE.staff.profession.toLowerCase() }),
      );
      const times = await messages.locator(".message__when time").evaluateAll((ts) => ts.map((el) => el.getAttribute("datetime") ?? ""));
      expect(times).toHaveLength(2);
      expect(Date.parse(times[0]!)).toBeLessThanOrEqual(Date.parse(times[1]!));
      // The nurse's file, kept by the portal (fetched once the message has come): a download of the same bytes.
      const file = messages.nth(1).locator(".message-attachments").getByRole("link", { name: fileName });
      await reloadUntil(page, () => expect(file).toBeVisible({ timeout: 1_000 }));
      const download = await page.request.get((await file.getAttribute("href"))!);
      expect(download.status()).toBe(200);
      expect(download.headers()["content-type"]).toBe("application/pdf");
      expect(download.headers()["content-disposition"]).toMatch(/^attachment;/);
      expect(Buffer.from(await download.body()).equals(Buffer.from(PDF))).toBe(true);
      // The clinic's stated answer time.
      await expect(page.locator("main .conversation-unit")).toContainText(t("messages:conversation.answerTime", { count: ANSWER_DAYS, n: formatNumber(ANSWER_DAYS, lng) }));
      await scan();

      await page.getByRole("link", { name: t("messages:conversation.backToInbox") }).click();
      await expect(page).toHaveURL(/\/messages$/);
      await expect(entry).toHaveCount(1);
      await expect(entry.locator(".unread-mark")).toHaveCount(0);
      expect(await headerUnread(page, t)).toBe(unread - 1);
    });

    test("a conversation the clinic closed is read, not answered: a note instead of the reply form", async ({ page, scan, t }) => {
      await loginAs(page, { t, scan, key: "main", returnTo: "/messages" });
      const mk = marker();
      const topic = `Provsvar klart ${mk}`;
      const text = `Hej Anna! Dina provsvar är normala, ingen åtgärd behövs (${mk}).`;
      const sent = await careTeamSends("main", { subject: topic, content: text, fromUnit: HEALTH_CENTRE.id });
      await careTeamCloses(sent.id);

      const entry = inboxEntry(page, topic);
      await reloadUntil(page, () => expect(entry).toHaveCount(1, { timeout: 1_000 }));
      await scan();
      await entry.getByRole("link").click();
      await expect(page).toHaveURL(/\/messages\/[^/]+$/);
      await expect(messagesOf(page).locator(".message__body")).toHaveText([text]);
      // The poller brings the closing with the message, or at its next pass.
      const note = page.getByRole("note").filter({ hasText: t("messages:conversation.cannotReply") });
      await reloadUntil(page, () => expect(note).toBeVisible({ timeout: 1_000 }));
      await expect(page.getByLabel(t("messages:write.replyLabel"))).toHaveCount(0);
      await expect(page.getByRole("button", { name: t("messages:write.sendReply") })).toHaveCount(0);
      await scan();
    });

    test("writing a new message with a photo: sending, then delivered; the photo downloads as it was sent", onEmbeddedDatabaseToo(javaScriptEnabled), async ({ page, scan, t }) => {
      await loginAs(page, { t, scan, key: "main", returnTo: "/messages" });
      await scan();
      await toNewMessageForm(page, t, scan, HEALTH_CENTRE.name);
      const mk = marker();
      const topic = await chooseFirstTopic(page, t);
      const text = `Hej! Jag har fått ett utslag på armen, se bilden (${mk}).\nDet kliar mest på kvällen.`;
      const photo = pngFile(16);
      await page.getByLabel(t("messages:write.body")).fill(text);
      await page.getByLabel(t("messages:attachments.label")).setInputFiles({ name: `utslag-${mk}.png`, mimeType: "image/png", buffer: photo });
      await page.getByRole("button", { name: t("messages:write.send") }).click();

      await expect(page).toHaveURL(/\/messages\/(?!new)[^/?]+$/);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(topic);
      await untilDelivered(page, t, scan, `(${mk})`);
      const message = messageWith(page, `(${mk})`);
      await expect(message.locator(".message__body")).toHaveText(text);
      await expect(message.locator(".message__author")).toHaveText(t("messages:author.self"));

      // The attachment: a link to its download, the same bytes, as an attachment (never shown in the page).
      const link = message.locator(".message-attachments").getByRole("link", { name: `utslag-${mk}.png` });
      await expect(link).toHaveCount(1);
      const response = await page.request.get((await link.getAttribute("href"))!);
      expect(response.status()).toBe(200);
      expect(response.headers()["content-disposition"]).toMatch(/^attachment;/);
      expect(response.headers()["content-type"]).toMatch(/^image\/png/);
      expect(Buffer.compare(await response.body(), photo)).toBe(0);
    });

    test("replying in a conversation: the care team answers by name, and one notification without content is sent", onEmbeddedDatabaseToo(javaScriptEnabled), async ({ page, scan, t, lng, baseURL }) => {
      test.setTimeout(180_000);
      await loginAs(page, { t, scan, key: "main", returnTo: "/settings/contact" });
      // No notifications while the care team opens the conversation (a notification is one per conversation an hour).
      const settings = async (email: string | null) => {
        await page.goto("/settings/contact");
        await page.getByLabel(t("notifications:settings.email")).fill(email ?? "");
        await page.getByLabel(t("notifications:settings.byEmail")).setChecked(email !== null);
        await page.getByLabel(t("notifications:settings.onNewMessage")).setChecked(email !== null);
        await page.getByRole("button", { name: t("notifications:settings.save") }).click();
        await expect(page.getByRole("status")).toHaveText(t("notifications:settings.saved"));
        await scan();
      };
      await settings(null);

      const mk = marker();
      const topic = `Inför besöket ${mk}`;
      const opening = `Hej Anna! Har du några frågor inför besöket på torsdag? (${mk})`;
      await careTeamSends("main", { subject: topic, content: opening, fromUnit: HEALTH_CENTRE.id });
      await page.goto("/messages");
      const entry = inboxEntry(page, topic);
      await reloadUntil(page, () => expect(entry).toHaveCount(1, { timeout: 1_000 }));
      await scan();
      await entry.getByRole("link").click();
      await expect(messagesOf(page)).toHaveCount(1);
      await scan();
      const conversationUrl = page.url();

      // Told by e-mail from now on, at an address of this run's own.
      const email = `anna.${mk}@example.se`;
      await settings(email);
      await scan();

      await page.goto(conversationUrl);
      const reply = `Ja, ska jag vara fastande när jag kommer? (${mk})`;
      await page.getByLabel(t("messages:write.replyLabel")).fill(reply);
      await page.getByRole("button", { name: t("messages:write.sendReply") }).click();
      await expect(messageWith(page, reply)).toHaveCount(1);
      await untilDelivered(page, t, scan, reply);

      // The nurse answers the reply in the clinical system.
      const answer = `Nej, du behöver inte vara fastande. Välkommen! (${mk})`;
      await careTeamReplies(await sentMessageId("main", reply), { content: answer, from: HEALTH_CENTRE.staff.id });

      // The poller brings it: unread in the inbox (not opened yet, so that the notification pass sees it unread).
      await page.goto("/messages");
      await reloadUntil(page, () => expect(entry.locator(".unread-mark")).toHaveCount(1, { timeout: 1_000 }));

      // One notification to this address, saying only that there is a message (the notification pass: every 10 s).
      await page.goto("/dev/notifications");
      const rows = page.locator("main table tbody tr").filter({ has: page.getByRole("cell", { name: email, exact: true }) });
      await reloadUntil(page, () => expect(rows).not.toHaveCount(0, { timeout: 1_000 }), 45_000);
      await expect(rows).toHaveCount(1);
      await scan();
      const origin = new URL(baseURL!).origin;
      await expect(rows.locator("td").nth(1)).toHaveText(t("notifications:dev.email"));
      await expect(rows.locator("td").nth(3)).toHaveText(t("notifications:notification.newMessage", { origin, lng }));
      const text = rows.locator("td").nth(3);
      for (const word of [topic, mk, HEALTH_CENTRE.name, HEALTH_CENTRE.staff.name, "fastande"]) await expect(text).not.toContainText(word);
      await scan();

      // The answer in the conversation, by the nurse, after the reply.
      await page.goto(conversationUrl);
      const messages = messagesOf(page);
      await expect(messages).toHaveCount(3);
      await expect(messages.nth(1).locator(".message__body")).toHaveText(reply);
      await expect(messages.nth(1).locator(".message__author")).toHaveText(t("messages:author.self"));
      await expect(messages.nth(2).locator(".message__body")).toHaveText(answer);
      await expect(messages.nth(2).locator(".message__author")).toHaveText(
        t("messages:author.professional", { author: HEALTH_CENTRE.staff.name, role: HEALTH_CENTRE.staff.profession.toLowerCase() }),
      );
      await scan();
    });

    test("a guardian writes for a five-year-old: the conversation shows the guardian as the writer", async ({ page, scan, t }) => {
      await loginAs(page, { t, scan, key: "guardian", returnTo: "/messages" });
      await scan();
      await actFor(page, t, scan, "child5", name("child5"));
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(t("identity:subject.titleFor", { title: t("messages:title"), name: name("child5") }));
      await toNewMessageForm(page, t, scan, BVC.name);
      const mk = marker();
      await chooseFirstTopic(page, t);
      const text = `Hej! Elsa har hosta sedan i helgen. Kan vi ändå komma på femårsbesöket? (${mk})`;
      await page.getByLabel(t("messages:write.body")).fill(text);
      await page.getByRole("button", { name: t("messages:write.send") }).click();
      await expect(page).toHaveURL(/\/messages\/(?!new)[^/?]+$/);
      await expect(page.getByTestId("subject")).toHaveText(t("identity:header.showingFor", { name: name("child5") }));
      const message = messageWith(page, `(${mk})`);
      await expect(message.locator(".message__author")).toHaveText(t("messages:author.guardian", { author: name("guardian") }));
      await untilDelivered(page, t, scan, `(${mk})`);
      await expect(messageWith(page, `(${mk})`).locator(".message__author")).toHaveText(t("messages:author.guardian", { author: name("guardian") }));
    });

    test("bad input is refused next to its field, and nothing typed is lost", async ({ page, scan, t, lng }) => {
      await loginAs(page, { t, scan, key: "main", returnTo: "/messages" });
      await scan();
      await toNewMessageForm(page, t, scan, HEALTH_CENTRE.name);
      const body = page.getByLabel(t("messages:write.body"));
      const files = page.getByLabel(t("messages:attachments.label"));
      const send = page.getByRole("button", { name: t("messages:write.send") });
      const topic = await chooseFirstTopic(page, t);

      // No text.
      await send.click();
      await expect(await errorOf(page, body)).toHaveText(t("messages:errors.body_empty"));
      await expect(page.getByLabel(t("messages:write.topic")).locator("option:checked")).toHaveText(topic);
      await scan();

      // Three characters too many: the server says so, the text stays whole (no maxlength cuts it).
      const mk = marker();
      const long = `${mk} ${"a".repeat(4_000 - mk.length - 1)}xyz`;
      await body.fill(long);
      if (javaScriptEnabled) await expect(page.locator("main .counter")).toHaveText(t("messages:write.charactersOver", { count: 3, formatted: formatNumber(3, lng) }));
      await send.click();
      await expect(await errorOf(page, body)).toHaveText(t("messages:errors.body_too_long", { count: 3, max: formatNumber(4_000, lng) }));
      await expect(body).toHaveValue(long);
      await scan();

      // A text file named as a photo: refused by what it holds, next to the file field; the text kept.
      const text = `Hej! Här är en bild på utslaget (${mk}).`;
      await body.fill(text);
      await files.setInputFiles({ name: "photo.png", mimeType: "image/png", buffer: Buffer.from("Det här är ingen bild, bara text.\n") });
      await send.click();
      await expect(await errorOf(page, files)).toHaveText(t("messages:errors.attachment_type", { names: "photo.png" }));
      await expect(body).toHaveValue(text);
      await expect(page.getByText(t("messages:attachments.chooseAgain"))).toBeVisible();
      await scan();
      // Nothing was sent.
      await expect(page).toHaveURL(/\/messages\/new/);
    });
  });
}
