import { randomBytes } from "node:crypto";
import { deflateSync } from "node:zlib";
import type { Page } from "@playwright/test";
import type { TFunction } from "i18next";
import { staffOf, unit } from "../app/feed/demo/catalogue";
import { expect } from "./fixtures";
import { castPatientId } from "./record-helpers";

/**
 * The messages journeys' tools: the development stand-in of the clinical system answering as the care team (its
 * loopback endpoints, app/clinical/stand-in/README.md "The care team"), a small real PNG, and waiting for the poller.
 */

const port = Number(process.env.E2E_PORT ?? 3400);
/** The stand-in the e2e portal runs with (playwright.config.ts: DEV_CLINICAL_PORT). */
const standInOrigin = `http://127.0.0.1:${Number(process.env.E2E_CLINICAL_PORT ?? port + 2)}`;

/** A word no other run has written: each journey finds its own conversation by it. */
export function marker(): string {
  return randomBytes(4).toString("hex");
}

/** A demo unit's Organization id, name and a named member of its staff (Practitioner id, name, profession). */
export function careUnit(key: string) {
  const u = unit(key);
  const staff = staffOf(key)[0];
  if (!staff) throw new Error(`no staff at ${key}`);
  return { id: u.id, name: u.name, staff };
}

async function careTeam(path: string, body: Record<string, unknown>): Promise<{ id: string }> {
  const response = await fetch(`${standInOrigin}/_stand-in/care-team/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const answer = (await response.json()) as { id: string; error?: string };
  if (!response.ok) throw new Error(`care-team/${path}: ${response.status} ${answer.error ?? ""}`);
  return answer;
}

/** The care team starts a conversation with a patient from a unit's group inbox; the message's id in the stand-in. */
export function careTeamSends(patientKey: "main", { subject, content, fromUnit }: { subject: string; content: string; fromUnit: string }) {
  return careTeam("send", { patientId: castPatientId(patientKey), subject, content, fromUnit });
}

/** A member of staff (a Practitioner id) answers a message, with a file or without. */
export function careTeamReplies(messageId: string, { content, from, file }: { content: string; from?: string; file?: { fileName: string; contentType: string; bytes: Uint8Array } }) {
  const attachment = file ? { attachment: { fileName: file.fileName, contentType: file.contentType, content: Buffer.from(file.bytes).toString("base64") } } : {};
  return careTeam("reply", { messageId, content, ...(from ? { from } : {}), ...attachment });
}

/** The unit closes the conversation of a message: no more replies to any of it. */
export function careTeamCloses(messageId: string) {
  return careTeam("close", { messageId });
}

/** The stand-in's id of the patient's message whose text holds `text` (once the relay delivered it). */
export async function sentMessageId(patientKey: "main", text: string): Promise<string> {
  let id: string | undefined;
  await expect(async () => {
    const response = await fetch(`${standInOrigin}/_stand-in/inspect/messages?patientId=${castPatientId(patientKey)}`);
    const list = (await response.json()) as { id: string; content: string; sender: { type: string } }[];
    id = list.find((m) => m.sender.type === "PERSON" && m.content.includes(text))?.id;
    expect(id, `the stand-in holds the message "${text}"`).toBeDefined();
  }).toPass({ timeout: 20_000, intervals: [500, 1_000] });
  return id!;
}

/** A real PNG of `size` × `size` pixels in one colour (valid CRCs, a zlib stream): what a phone's photo would be. */
export function pngFile(size = 8, rgb: [number, number, number] = [200, 40, 40]): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const byte of buf) c = crcTable[(c ^ byte) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const typed = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(typed));
    return Buffer.concat([length, typed, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, truecolour
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: size }, () => rgb).flat())]);
  const pixels = Buffer.concat(Array.from({ length: size }, () => row));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", header), chunk("IDAT", deflateSync(pixels)), chunk("IEND", Buffer.alloc(0))]);
}

/** The header's link to the messages ("Messages (2 unread)"): the number of unread conversations it states. */
export async function headerUnread(page: Page, t: TFunction): Promise<number> {
  const link = page.getByRole("banner").locator('a[href="/messages"]');
  const text = (await link.textContent()) ?? "";
  if (text === t("identity:header.messages")) return 0;
  const match = /(\d+)/.exec(text);
  if (!match) throw new Error(`the header's messages link says "${text}"`);
  return Number(match[1]);
}

/** The inbox's entry of the conversation whose topic is `topic`. */
export function inboxEntry(page: Page, topic: string) {
  return page.locator("ul.inbox li").filter({ has: page.getByRole("link", { name: new RegExp(`${escapeRegExp(topic)}$`) }) });
}

/**
 * Reloads a page until `check` passes: what the poller (every 5 s against the stand-in) or the relay brings in. The
 * page is reloaded as the browser would (a plain GET of the same address), with JavaScript or without.
 */
export async function reloadUntil(page: Page, check: () => Promise<void>, timeout = 30_000) {
  await expect(async () => {
    await page.reload();
    await page.waitForLoadState("load");
    await check();
  }).toPass({ timeout, intervals: [1_000, 1_000, 2_000] });
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
