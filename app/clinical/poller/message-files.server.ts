import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import { rowsOf, type Queryable } from "../../../db/connection";
import { messageAttachments } from "../../../db/schema";
import { cleanFileName, sniffType } from "~/utils/files";
import type { ClinicalClient } from "../client.server";
import { MESSAGES_PATHS, patientMessageSchema, type PatientMessage } from "../millennium";

/**
 * The care team's attachments. The Messages API's lists name a message's attachments without their content;
 * `patientMessages/{id}` gives it. A message's files never change once sent, so each message's are fetched once,
 * the first time a poll lists it, and kept in `message_attachments` with the message's id (the conversation lists
 * them, the citizen downloads one by its own id, as their own files). The type is decided by the content; content that
 * is none of the four types a message may carry is kept as application/octet-stream (offered as a download only).
 * The citizen's own attachments are the portal's already: only messages from the care team are fetched.
 */
export async function keepCareTeamFiles(db: Queryable, client: Pick<ClinicalClient, "getJson">, messages: readonly PatientMessage[]): Promise<number> {
  const withFiles = messages.filter((m) => m.sender.type !== "PERSON" && m.status !== "DELETED" && (m.attachments?.length ?? 0) > 0);
  if (withFiles.length === 0) return 0;
  const kept = new Set(
    rowsOf<{ message_id: string }>(
      await db.execute(sql`select distinct message_id from message_attachments where message_id = any(${sql.param(withFiles.map((m) => m.id))}::text[])`),
    ).map((r) => r.message_id),
  );
  let stored = 0;
  for (const listed of withFiles.filter((m) => !kept.has(m.id))) {
    const message = patientMessageSchema.parse(await client.getJson(MESSAGES_PATHS.message(listed.id)));
    const files = (message.attachments ?? []).filter((a) => a.content !== undefined);
    if (files.length === 0) continue;
    const rows = files.map((a) => {
      const content = Buffer.from(a.content!, "base64");
      return {
        messageId: message.id,
        clinicalAttachmentId: a.id,
        personId: message.patientId,
        fileName: cleanFileName(a.fileName),
        contentType: sniffType(content) ?? "application/octet-stream",
        size: content.length,
        sha256: createHash("sha256").update(content).digest("hex"),
        content,
      };
    });
    await db.insert(messageAttachments).values(rows).onConflictDoNothing();
    stored += rows.length;
  }
  return stored;
}
