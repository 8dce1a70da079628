import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Queryable } from "../../db/connection";
import { runNamed } from "../../db/statements";
import { messageAttachments } from "../../db/schema";
import type { RecordRules } from "~/disclosure/exclusions.server";
import { fromExcludedUnitId } from "~/disclosure/visibility.server";
import type { FieldError } from "~/utils/query-fields";
import { cleanFileName, sniffType } from "~/utils/files";
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

const ENDINGS: Record<StoredAttachment["contentType"], readonly string[]> = {
  "application/pdf": [".pdf"],
  "image/jpeg": [".jpg", ".jpeg"],
  "image/png": [".png"],
  "image/gif": [".gif"],
  "application/octet-stream": [],
};

/** A name for the download whose ending agrees with the content (a PNG named "x.pdf" is offered as "x.pdf.png"). */
export function downloadName(fileName: string, type: StoredAttachment["contentType"]): string {
  const endings = ENDINGS[type];
  return endings.length === 0 || endings.some((e) => fileName.toLowerCase().endsWith(e)) ? fileName : `${fileName}${endings[0]}`;
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
  /** Sniffed; a care team's file of none of the four types is application/octet-stream. */
  contentType: AttachmentType | "application/octet-stream";
  size: number;
  content: Buffer;
}

/**
 * One attachment of the subject's messages, or null: none with that id, another person's, or the care team's file of a
 * message no longer shown (deleted, or from a unit whose messages are not shown online).
 */
export async function readAttachment(db: Queryable, { subjectId, rules, id }: { subjectId: string; rules: RecordRules; id: string }): Promise<StoredAttachment | null> {
  if (!isUuid(id)) return null;
  const [row] = await runNamed<{ id: string; file_name: string; content_type: string; size: number; content: Buffer | Uint8Array }>(
    db,
    sql`select a.id::text, a.file_name, a.content_type, a.size, a.content
          from message_attachments a
          left join messages m on m.id = a.message_id
         where a.id = ${id}::uuid and a.person_id = ${subjectId}
           and (a.message_id is null
                or (m.person_id = ${subjectId} and m.deleted_at is null
                    and not ${fromExcludedUnitId(rules, sql`coalesce(m.care_unit_id, '')`, sql`coalesce(m.care_unit_reference, '')`)}))`,
  );
  if (!row) return null;
  return { id: row.id, fileName: row.file_name, contentType: row.content_type as StoredAttachment["contentType"], size: Number(row.size), content: Buffer.from(row.content) };
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
