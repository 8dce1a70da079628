import { sql } from "drizzle-orm";
import type { Queryable } from "../../db/connection";
import type { OutboxError, OutgoingFailure } from "../../db/schema";
import type { OutboxAnswer, OutboxKind, OutboxRow } from "~/clinical/outbox/outbox.server";
import { messageWriteKinds, SEND, STATUS } from "~/clinical/writes/messages.server";

/**
 * The clinical system's answer to a citizen's message, recorded on its outgoing_messages row in the relay's
 * transaction (the outbox row and the message never disagree):
 * - delivered: state `delivered`, `clinical_message_id` the id the clinical system made;
 * - failed: state `failed`, `failure` { kind: `refused` (a 4xx: the clinical system said no, `reason` its words: an
 *   invalid recipient, a reminder or closed conversation answered, an attachment refused) | `undeliverable` (given up
 *   after the retries: timeouts, 5xx, no connection; `reason` null), reason }.
 * Nothing is lost either way: the text and attachments stay on the row for the citizen to send again.
 *
 * `message.status` (the patient opened the care team's messages) changes no state of the portal's: the read model's
 * read_at is written when the citizen opens the conversation, and the write-back only tells the clinical system.
 */

/** Why the message failed, as the citizen is told. */
export function failureOf(error: OutboxError): OutgoingFailure {
  const refused = error.kind === "status" && error.status !== undefined && error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429;
  if (!refused) return { kind: "undeliverable", reason: null };
  return { kind: "refused", reason: reasonOf(error.outcome) };
}

/** The clinical system's words: the first issue's diagnostics, else its details' text. */
function reasonOf(outcome: unknown): string | null {
  const issue = (outcome as { issue?: { diagnostics?: unknown; details?: { text?: unknown } }[] } | undefined)?.issue?.[0];
  if (typeof issue?.diagnostics === "string" && issue.diagnostics.trim()) return issue.diagnostics.trim();
  if (typeof issue?.details?.text === "string" && issue.details.text.trim()) return issue.details.text.trim();
  return null;
}

async function settleSend(tx: Queryable, row: OutboxRow, answer: OutboxAnswer): Promise<void> {
  if (answer.state === "failed") {
    await tx.execute(sql`
      update outgoing_messages set state = 'failed', failure = ${JSON.stringify(failureOf(answer.error))}::jsonb, updated_at = now()
       where outbox_id = ${row.id} and state = 'sending'`);
    return;
  }
  const messageId = typeof answer.result.messageId === "string" ? answer.result.messageId : null;
  await tx.execute(sql`
      update outgoing_messages set state = 'delivered', clinical_message_id = ${messageId}, failure = null, updated_at = now()
       where outbox_id = ${row.id} and state = 'sending'`);
}

const withSettle = (kind: OutboxKind | undefined, settled?: OutboxKind["settled"]): OutboxKind => {
  if (!kind) throw new Error("a message kind is missing");
  return settled ? { ...kind, settled } : kind;
};

/** The messages' writes as the relay delivers them, the outgoing message's state kept in step (app/server/startup.ts). */
export const messageKinds: Readonly<Record<string, OutboxKind>> = {
  [SEND]: withSettle(messageWriteKinds[SEND], settleSend),
  [STATUS]: withSettle(messageWriteKinds[STATUS]),
};
