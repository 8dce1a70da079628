import { createHash } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Queryable } from "../../db/connection";
import { messageAttachments } from "../../db/schema";
import type { FieldError } from "~/utils/query-fields";
import { ATTACHMENT_MAX_BYTES, ATTACHMENTS_MAX_COUNT, type AttachmentType } from "./limits";

/**
 * Attachments of a citizen's message: their type decided by the content's first bytes (never by the name or by what
 * the browser claimed), their limits, their storage with the message, and the download of one by its subject.
 */

/** A file as the form sent it: its bytes up to the limit and one more (`tooLarge` when there were more). */
export interface AttachmentInput {
  fileName: string;
  bytes: Uint8Array;
  tooLarge?: boolean;
}

/** An attachment checked and ready to store. */
export interface CheckedAttachment {
  fileName: string;
  contentType: AttachmentType;
  bytes: Uint8Array;
}

const startsWith = (bytes: Uint8Array, signature: readonly number[], offset = 0) =>
  bytes.length >= offset + signature.length && signature.every((b, i) => bytes[offset + i] === b);

/**
 * The type the content's magic bytes say, among the four allowed; null for anything else (an executable, HTML, SVG,
 * a header cut short).
 */
export function sniffType(bytes: Uint8Array): AttachmentType | null {
  // %PDF- (a PDF may have up to 1,024 bytes before its header; the portal asks for it at the start, as readers do)
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return "application/pdf";
  // SOI then the next marker's 0xFF
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "image/jpeg";
  // The PNG signature and the IHDR chunk's length and type
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52])) return "image/png";
  // GIF87a or GIF89a, and the logical screen descriptor after it
  if (bytes.length >= 13 && (startsWith(bytes, [0x47, 0x49, 0x46, 0x38, 0x37, 0x61]) || startsWith(bytes, [0x47, 0x49, 0x46, 0x38, 0x39, 0x61]))) return "image/gif";
  return null;
}

// eslint-disable-next-line no-control-regex -- control characters are what it removes
const UNSAFE_IN_NAME = /[\u0000-\u001F\u007F-\u009F/\\]/g;

/** The name to keep: the last path segment, without control characters, at most 200 characters; never empty. */
export function cleanFileName(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? "";
  const cleaned = [...base.replace(UNSAFE_IN_NAME, "").trim()].slice(0, 200).join("");
  return cleaned || "attachment";
}

const ENDINGS: Record<AttachmentType, readonly string[]> = {
  "application/pdf": [".pdf"],
  "image/jpeg": [".jpg", ".jpeg"],
  "image/png": [".png"],
  "image/gif": [".gif"],
};

/** A name for the download whose ending agrees with the content (a PNG named "x.pdf" is offered as "x.pdf.png"). */
export function downloadName(fileName: string, type: AttachmentType): string {
  const endings = ENDINGS[type];
  return endings.some((e) => fileName.toLowerCase().endsWith(e)) ? fileName : `${fileName}${endings[0]}`;
}

/**
 * `Content-Disposition: attachment` with the name in both forms (RFC 6266): an ASCII fallback for old clients, and
 * the exact name percent-encoded in UTF-8 (RFC 5987). Nothing of the name can end the header or add a parameter.
 */
export function contentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\%;]/g, "_");
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/**
 * The files of a form checked against the limits: each error a translation key, the files named in it. Empty file
 * inputs (no file chosen) are not files.
 */
export function checkAttachments(files: readonly AttachmentInput[]): { attachments: CheckedAttachment[]; error: FieldError | null } {
  const attachments: CheckedAttachment[] = [];
  if (files.length > ATTACHMENTS_MAX_COUNT) {
    return { attachments, error: { key: "messages:errors.too_many_attachments", values: { max: ATTACHMENTS_MAX_COUNT, count: files.length } } };
  }
  const tooLarge: string[] = [];
  const wrongType: string[] = [];
  for (const file of files) {
    const fileName = cleanFileName(file.fileName);
    if (file.tooLarge || file.bytes.length > ATTACHMENT_MAX_BYTES) {
      tooLarge.push(fileName);
      continue;
    }
    const contentType = sniffType(file.bytes);
    if (!contentType) wrongType.push(fileName);
    else attachments.push({ fileName, contentType, bytes: file.bytes });
  }
  if (tooLarge.length) return { attachments, error: { key: "messages:errors.attachment_too_large", values: { names: tooLarge.join(", "), max: ATTACHMENT_MAX_BYTES / (1024 * 1024) } } };
  if (wrongType.length) return { attachments, error: { key: "messages:errors.attachment_type", values: { names: wrongType.join(", ") } } };
  return { attachments, error: null };
}

/** Keeps the checked attachments with their message, in the caller's transaction. */
export async function storeAttachments(tx: Queryable, o: { outgoingId: string; subjectId: string; attachments: readonly CheckedAttachment[] }): Promise<void> {
  if (o.attachments.length === 0) return;
  await tx.insert(messageAttachments).values(
    o.attachments.map((a) => ({
      outgoingMessageId: o.outgoingId,
      personId: o.subjectId,
      fileName: a.fileName,
      contentType: a.contentType,
      size: a.bytes.length,
      sha256: createHash("sha256").update(a.bytes).digest("hex"),
      content: Buffer.from(a.bytes),
    })),
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string) => UUID.test(value);

export interface StoredAttachment {
  id: string;
  fileName: string;
  contentType: AttachmentType;
  size: number;
  content: Buffer;
}

/** One attachment of the subject's messages, or null (none with that id, or another person's). */
export async function readAttachment(db: Queryable, { subjectId, id }: { subjectId: string; id: string }): Promise<StoredAttachment | null> {
  if (!isUuid(id)) return null;
  const [row] = await db
    .select({ id: messageAttachments.id, fileName: messageAttachments.fileName, contentType: messageAttachments.contentType, size: messageAttachments.size, content: messageAttachments.content })
    .from(messageAttachments)
    .where(and(eq(messageAttachments.id, id), eq(messageAttachments.personId, subjectId)));
  return row ? { ...row, contentType: row.contentType as AttachmentType } : null;
}

/** The download's answer: the content as its sniffed type, never shown in the page nor kept by a cache. */
export function attachmentResponse(attachment: StoredAttachment): Response {
  return new Response(new Uint8Array(attachment.content), {
    status: 200,
    headers: {
      "Content-Type": attachment.contentType,
      "Content-Length": String(attachment.content.length),
      "Content-Disposition": contentDisposition(downloadName(attachment.fileName, attachment.contentType)),
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "no-store",
      "Content-Security-Policy": "default-src 'none'; sandbox",
    },
  });
}
