import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClinicalClient } from "../client.server";
import { ClinicalError } from "../http.server";
import { MESSAGES_PATHS, messageListSchema, patientMessageSchema, type NewPatientMessage, type PatientMessage } from "../millennium";
import { startTestStandIn, type TestStandIn } from "./test-stand-in";

let t: TestStandIn;
const ANNA = "10000001";

beforeAll(async () => {
  t = await startTestStandIn();
});
afterAll(async () => {
  await t.standIn.stop();
});

const inbox = async (patientId: string, params: Record<string, string> = {}) =>
  messageListSchema.parse(await t.client.getJson(MESSAGES_PATHS.inboxItems, { patientId, ...params }));
const sent = async (patientId: string, params: Record<string, string> = {}) =>
  messageListSchema.parse(await t.client.getJson(MESSAGES_PATHS.sentItems, { patientId, ...params }));
const statusOf = (promise: Promise<unknown>) => promise.then(() => 200, (e: unknown) => (e instanceof ClinicalError ? e.status : e));

function newMessage(overrides: Partial<NewPatientMessage> = {}): NewPatientMessage {
  return {
    content: "<div><p>Hej! Kan jag få förnya mitt recept?</p></div>",
    subject: "Receptförnyelse",
    messageSender: { id: ANNA, type: "PERSON" },
    patientId: ANNA,
    recipients: [{ id: "3000001", type: "GROUPINBOX" }],
    ...overrides,
  };
}

describe("the demo's messages", () => {
  it("are the demo Communications, care messages in the inbox (last answer unread), the patient's in sent items", async () => {
    const received = await inbox(ANNA);
    const own = await sent(ANNA);
    expect(received.items.length).toBeGreaterThan(0);
    expect(own.items.length).toBeGreaterThan(0);
    // The unit's group inbox, or a named member of staff (PERSONNEL) answering for it.
    expect(received.items.every((m) => (m.sender.type === "GROUPINBOX" || m.sender.type === "PERSONNEL") && (m.status === "OPENED" || m.status === "UNREAD"))).toBe(true);
    expect(received.items.some((m) => m.sender.type === "PERSONNEL" && m.sender.display && m.organizationId)).toBe(true);
    expect(received.items.some((m) => m.status === "UNREAD")).toBe(true);
    // A sent item's status is the care team's view: the demo's citizen messages are not marked opened.
    expect(own.items.every((m) => m.sender.type === "PERSON" && m.status === "UNREAD")).toBe(true);
    // Answers name the message answered, by the Communication's id.
    expect([...received.items, ...own.items].some((m) => m.previousMessageId !== undefined)).toBe(true);
    expect(received.items[0]!.content).toMatch(/^<div xmlns="http:\/\/www.w3.org\/1999\/xhtml" style="white-space: pre-wrap">/);
  });
});

describe("sending", () => {
  it("sends: 201, Location and the message; it is listed among sent items", async () => {
    const result = await t.client.postJson<PatientMessage>(MESSAGES_PATHS.sentItems, newMessage());
    expect(result.status).toBe(201);
    const message = patientMessageSchema.parse(result.body);
    expect(result.location).toBe(`${t.standIn.fhirBase}/${MESSAGES_PATHS.message(message.id)}`);
    expect(message.createDateTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect((await sent(ANNA)).items[0]).toMatchObject({ id: message.id, subject: "Receptförnyelse" });
  });

  it("refuses a message that does not follow the schema with 400 and a reason", async () => {
    const error = await t.client.postJson(MESSAGES_PATHS.sentItems, { ...newMessage(), recipients: [] }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "status", status: 400 });
    const raw = await t.client.raw({ method: "POST", path: MESSAGES_PATHS.sentItems, headers: { "content-type": "application/json" }, body: JSON.stringify({ content: "x" }) });
    expect(raw.status).toBe(400);
    expect(((await raw.json()) as { reason: string }).reason).toMatch(/subject/);
  });

  it("replies to a care message; refuses a reply to another patient's message or to a REMINDER (422)", async () => {
    const [last] = (await inbox(ANNA)).items;
    const reply = await t.client.postJson<PatientMessage>(MESSAGES_PATHS.sentItems, newMessage({ previousMessageId: last!.id }));
    expect(reply.body).toMatchObject({ previousMessageId: last!.id, organizationId: last!.organizationId });
    await expect(statusOf(t.client.postJson(MESSAGES_PATHS.sentItems, newMessage({ previousMessageId: "no-such-message" })))).resolves.toBe(422);
    const other = await t.standIn.careTeam.send("10000016", { subject: "Hej Leo", content: "Välkommen", fromUnit: "3000001" });
    await expect(statusOf(t.client.postJson(MESSAGES_PATHS.sentItems, newMessage({ previousMessageId: other.id })))).resolves.toBe(422);
    const reminder = await t.standIn.careTeam.send(ANNA, { subject: "Påminnelse", content: "Glöm inte provtagningen", fromUnit: "3000001", notificationType: "REMINDER" });
    await expect(statusOf(t.client.postJson(MESSAGES_PATHS.sentItems, newMessage({ previousMessageId: reminder.id })))).resolves.toBe(422);
    expect(((await t.client.getJson(MESSAGES_PATHS.message(reminder.id))) as PatientMessage).canReply).toBe(false);
  });

  it("refuses an unknown recipient (422), and validateRecipients says which can receive", async () => {
    await expect(statusOf(t.client.postJson(MESSAGES_PATHS.sentItems, newMessage({ recipients: [{ id: "nobody", type: "PERSONNEL" }] })))).resolves.toBe(422);
    const { body } = await t.client.postJson<{ recipients: { id: string; valid: boolean }[] }>(MESSAGES_PATHS.validateRecipients, {
      recipients: [
        { id: "3000001", type: "GROUPINBOX" },
        { id: "nobody", type: "PERSONNEL" },
      ],
    });
    expect(body?.recipients.map((r) => r.valid)).toEqual([true, false]);
  });
});

describe("the care team's answers and the status", () => {
  it("a reply arrives UNREAD in the inbox, can be answered, and is OPENED by updatePatientMessageStatus", async () => {
    const { body: mine } = await t.client.postJson<PatientMessage>(MESSAGES_PATHS.sentItems, newMessage({ subject: "Fråga om provsvar" }));
    const answer = await t.standIn.careTeam.reply(mine!.id, { content: "Dina provsvar är bra.", from: "4000001" });
    expect(answer).toMatchObject({ previousMessageId: mine!.id, status: "UNREAD", sender: { id: "4000001", type: "PERSONNEL" } });
    expect((await inbox(ANNA)).items[0]).toMatchObject({ id: answer.id, status: "UNREAD" });
    const view = patientMessageSchema.parse(await t.client.getJson(MESSAGES_PATHS.message(answer.id)));
    expect(view.canReply).toBe(true);

    const update = await t.client.postJson(MESSAGES_PATHS.updateStatus, { patientId: ANNA, messageIds: [answer.id], status: "OPENED" });
    expect(update.status).toBe(204);
    expect((await inbox(ANNA)).items.find((m) => m.id === answer.id)?.status).toBe("OPENED");
    await expect(statusOf(t.client.postJson(MESSAGES_PATHS.updateStatus, { messageIds: Array.from({ length: 101 }, (_, i) => String(i)), status: "OPENED" }))).resolves.toBe(400);
    await expect(statusOf(t.client.postJson(MESSAGES_PATHS.updateStatus, { patientId: "10000016", messageIds: [answer.id], status: "DELETED" }))).resolves.toBe(422);
    await t.client.postJson(MESSAGES_PATHS.updateStatus, { messageIds: [answer.id], status: "DELETED" });
    expect((await inbox(ANNA)).items.find((m) => m.id === answer.id)).toBeUndefined();
  });

  it("lists within the createDateTime window (a future upper bound is now) and needs a patientId", async () => {
    const future = new Date(Date.now() + 86_400_000).toISOString();
    const message = await t.standIn.careTeam.send(ANNA, { subject: "Kallelse", content: "Välkommen", fromUnit: "3000001" });
    expect((await inbox(ANNA, { createDateTimeLessThanOrEqualTo: future })).items.map((m) => m.id)).toContain(message.id);
    expect((await inbox(ANNA, { createDateTimeGreaterThanOrEqualTo: future })).items).toEqual([]);
    const old = await inbox(ANNA, { createDateTimeGreaterThanOrEqualTo: "2000-01-01T00:00:00Z", createDateTimeLessThanOrEqualTo: "2000-12-31T00:00:00Z" });
    expect(old).toEqual({ items: [], moreItemsAvailable: false });
    await expect(statusOf(t.client.getJson(MESSAGES_PATHS.inboxItems))).resolves.toBe(400);
  });
});

describe("attachments, and the care team opening and closing", () => {
  const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from("pixels")]);
  const file = (content: Buffer, contentType = "image/png", fileName = "bild.png") => ({ fileName, contentType, content: content.toString("base64") });
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (e: unknown) => (e instanceof ClinicalError ? { status: e.status, reason: e.outcome?.issue[0]?.diagnostics } : e),
    );

  it("keeps attachments decided by their bytes; refuses other content, a wrong type, more than 5 and more than 20 MB (422)", async () => {
    const answer = await t.client.postJson<PatientMessage>(MESSAGES_PATHS.sentItems, newMessage({ attachments: [file(PNG), file(Buffer.from("%PDF-1.7\n"), "application/pdf", "a.pdf")] }));
    expect(answer.body?.attachments?.map((a) => [a.fileName, a.contentType, a.size, a.content])).toEqual([
      ["bild.png", "image/png", PNG.length, undefined],
      ["a.pdf", "application/pdf", 9, undefined],
    ]);
    // The message itself gives the bytes; the care team sees them.
    const full = patientMessageSchema.parse(await t.client.getJson(MESSAGES_PATHS.message(answer.body!.id)));
    expect(Buffer.from(full.attachments![0]!.content!, "base64")).toEqual(PNG);
    expect(t.standIn.inspect.messages().find((m) => m.id === answer.body!.id)?.attachments?.[0]?.content).toEqual(PNG);

    const before = t.standIn.inspect.writes().messagesSent;
    expect(await refusal(t.client.postJson(MESSAGES_PATHS.sentItems, newMessage({ attachments: [file(Buffer.from("MZ an exe"), "image/png")] })))).toMatchObject({ status: 422, reason: expect.stringMatching(/not PDF, GIF, JPEG or PNG/) });
    expect(await refusal(t.client.postJson(MESSAGES_PATHS.sentItems, newMessage({ attachments: [file(PNG, "image/jpeg")] })))).toMatchObject({ status: 422, reason: expect.stringMatching(/is image\/png, not image\/jpeg/) });
    expect(await refusal(t.client.postJson(MESSAGES_PATHS.sentItems, newMessage({ attachments: Array.from({ length: 6 }, () => file(PNG)) })))).toMatchObject({ status: 422, reason: "at most 5 attachments" });
    const large = Buffer.alloc(20 * 1024 * 1024 + 1);
    PNG.copy(large);
    // 28 MB of JSON: the client waits longer than for the small ones, so that a busy machine still gets the answer.
    const patient = createClinicalClient({ ...t.settings, timeoutMs: 60_000 }, { retry: { retries: 0, maxWaitMs: 0 } });
    expect(await refusal(patient.postJson(MESSAGES_PATHS.sentItems, newMessage({ attachments: [file(large)] })))).toMatchObject({ status: 422, reason: expect.stringMatching(/at most 20971520/) });
    expect(t.standIn.inspect.writes().messagesSent).toBe(before);
  });

  it("the unit opens a citizen's message (its sent item OPENED) and closes the conversation: canReply false, a reply 422", async () => {
    const asked = (await t.client.postJson<PatientMessage>(MESSAGES_PATHS.sentItems, newMessage({ subject: "Öppnas och stängs" }))).body!;
    expect((await sent(ANNA)).items.find((m) => m.id === asked.id)).toMatchObject({ status: "UNREAD", canReply: true });
    await t.standIn.careTeam.open(asked.id);
    expect((await sent(ANNA)).items.find((m) => m.id === asked.id)).toMatchObject({ status: "OPENED" });
    const answer = await t.standIn.careTeam.reply(asked.id, { content: "Svar" });
    expect((await inbox(ANNA)).items.find((m) => m.id === answer.id)).toMatchObject({ canReply: true });
    await t.standIn.careTeam.close(asked.id);
    expect((await inbox(ANNA)).items.find((m) => m.id === answer.id)).toMatchObject({ canReply: false });
    expect(patientMessageSchema.parse(await t.client.getJson(MESSAGES_PATHS.message(asked.id)))).toMatchObject({ canReply: false });
    expect(await refusal(t.client.postJson(MESSAGES_PATHS.sentItems, newMessage({ previousMessageId: answer.id })))).toMatchObject({ status: 422, reason: "the care unit has closed this conversation" });
  });

  it("has a page for answering as the care team, without JavaScript, over loopback", async () => {
    const asked = (await t.client.postJson<PatientMessage>(MESSAGES_PATHS.sentItems, newMessage({ subject: "Via sidan <b>", content: "<div>Hej &amp; tack</div>" }))).body!;
    const page = await fetch(`${t.standIn.origin}/_stand-in/care-team`);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain("Via sidan &lt;b&gt;");
    expect(html).toContain('action="/_stand-in/care-team/form/reply"');

    const form = new FormData();
    form.set("messageId", asked.id);
    form.set("content", "Svar från sidan");
    form.set("attachment", new Blob([new Uint8Array(PNG)], { type: "image/png" }), "svar.png");
    const posted = await fetch(`${t.standIn.origin}/_stand-in/care-team/form/reply`, { method: "POST", body: form, redirect: "manual" });
    expect(posted.status).toBe(303);
    const reply = t.standIn.inspect.messages({ patientId: ANNA }).find((m) => m.previousMessageId === asked.id);
    expect(reply).toMatchObject({ sender: { type: "GROUPINBOX" }, attachments: [{ fileName: "svar.png", contentType: "image/png" }] });
    // Answering opened it.
    expect(t.standIn.inspect.messages().find((m) => m.id === asked.id)?.status).toBe("OPENED");

    const close = await fetch(`${t.standIn.origin}/_stand-in/care-team/form/close`, { method: "POST", body: new URLSearchParams({ messageId: asked.id }), redirect: "manual" });
    expect(close.status).toBe(303);
    expect((await inbox(ANNA)).items.find((m) => m.id === reply!.id)?.canReply).toBe(false);
  });
});
