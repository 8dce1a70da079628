import type { Organization, Patient, Practitioner, Resource } from "@medplum/fhirtypes";
import { messageText } from "../message-text";
import { isInbox, sniffContentType, type MessageStore, type StoredMessage } from "./messages.server";
import type { Reply, StandInRequest } from "./reply.server";
import type { CareTeam } from "./care-team";

/**
 * `GET /_stand-in/care-team`: a page for answering as the care team in the stand-in (a loopback development tool, no
 * JavaScript): the newest citizen messages (patient, unit, topic, text, attachments, whether the unit opened it and
 * whether the conversation is closed), each with a reply form (text, an optional practitioner to sign as, an optional
 * file) and buttons to open it and to close its conversation. The forms post to `/_stand-in/care-team/form/{reply|open|
 * close}` and come back to the page (303). An attachment is downloaded at `/_stand-in/care-team/attachment/{message}/
 * {attachment}`. Like every /_stand-in path it answers loopback requests only; it has no CSRF protection (a page
 * in the developer's browser could post to it): a development tool, never run in production.
 */

const SHOWN = 50;

export interface CareTeamPageSource {
  resource(type: string, id: string): Resource | undefined;
  practitioners(): Iterable<Practitioner & { id: string }>;
}

const escapeHtml = (s: string) => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");

function html(status: number, body: string, headers: Record<string, string> = {}): Reply {
  return { status, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", ...headers }, body };
}

function page(title: string, main: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;line-height:1.4}
article{border:1px solid #999;border-radius:4px;padding:.75rem;margin:1rem 0}
.text{white-space:pre-wrap;background:#f4f4f4;padding:.5rem;border-radius:4px}
label{display:block;margin-top:.5rem}textarea{width:100%;min-height:5rem}
form.inline{display:inline-block;margin-right:.5rem}
</style></head><body><main>${main}</main></body></html>`;
}

function nameOf(source: CareTeamPageSource, type: "Patient" | "Organization", id: string | undefined): string {
  if (!id) return "(none)";
  const r = source.resource(type, id) as Patient | Organization | undefined;
  if (!r) return id;
  if (r.resourceType === "Organization") return r.name ?? id;
  const n = r.name?.[0];
  return n?.text ?? ([...(n?.given ?? []), n?.family].filter(Boolean).join(" ") || id);
}

export function careTeamPage(messages: MessageStore, source: CareTeamPageSource): Reply {
  const citizens = messages
    .all()
    .filter((m) => !isInbox(m) && m.status !== "DELETED")
    .sort((a, b) => b.createDateTime.localeCompare(a.createDateTime) || b.id.localeCompare(a.id))
    .slice(0, SHOWN);
  const practitioners = [...source.practitioners()].slice(0, 500);
  const options = practitioners.map((p) => `<option value="${escapeHtml(p.id)}">${escapeHtml(p.name?.[0]?.text ?? p.id)}</option>`).join("");
  const articles = citizens.map((m) => article(m, messages, source)).join("\n");
  return html(
    200,
    page(
      "The care team (stand-in)",
      `<h1>The care team: citizens' messages</h1>
<p>The newest ${SHOWN} messages written from the portal to the stand-in's care units. Answer as the care team: the portal's poller brings the answer in.</p>
<datalist id="practitioners">${options}</datalist>
${articles || "<p>No messages yet.</p>"}`,
    ),
  );
}

function article(m: StoredMessage, messages: MessageStore, source: CareTeamPageSource): string {
  const closed = messages.isClosed(m.id);
  const opened = m.status === "OPENED";
  // A guardian writing for a child is the sender the care team sees.
  const sender = m.sender.id === m.patientId ? "the patient" : `${m.sender.display ?? nameOf(source, "Patient", m.sender.id)} (${m.sender.id}), for the patient`;
  const attachments = (m.attachments ?? [])
    .map((a) => `<li><a href="/_stand-in/care-team/attachment/${encodeURIComponent(m.id)}/${encodeURIComponent(a.id)}">${escapeHtml(a.fileName)}</a> (${escapeHtml(a.contentType)}, ${a.size} bytes)</li>`)
    .join("");
  const id = escapeHtml(m.id);
  return `<article aria-labelledby="m-${id}">
<h2 id="m-${id}">${escapeHtml(m.subject)}</h2>
<p>Message ${id}, ${escapeHtml(m.createDateTime)}. Patient: ${escapeHtml(nameOf(source, "Patient", m.patientId))} (${escapeHtml(m.patientId)}), written by ${escapeHtml(sender)}.
Unit: ${escapeHtml(nameOf(source, "Organization", m.organizationId))}. ${opened ? "Opened by the unit." : "Not opened yet."} ${closed ? "<strong>Conversation closed.</strong>" : ""}</p>
<div class="text">${escapeHtml(messageText(m.content))}</div>
${attachments ? `<ul>${attachments}</ul>` : ""}
${
  closed
    ? ""
    : `<form method="post" action="/_stand-in/care-team/form/reply" enctype="multipart/form-data">
<input type="hidden" name="messageId" value="${id}">
<label for="c-${id}">Answer</label><textarea id="c-${id}" name="content" required></textarea>
<label for="f-${id}">Sign as practitioner (id; empty: the unit's group inbox)</label><input id="f-${id}" name="from" list="practitioners">
<label for="a-${id}">Attachment (PDF, GIF, JPEG or PNG, at most 20 MB)</label><input id="a-${id}" name="attachment" type="file" accept="application/pdf,image/gif,image/jpeg,image/png">
<p><button type="submit">Send the answer</button></p>
</form>`
}
${opened ? "" : `<form class="inline" method="post" action="/_stand-in/care-team/form/open"><input type="hidden" name="messageId" value="${id}"><button type="submit">Mark as opened</button></form>`}
${closed ? "" : `<form class="inline" method="post" action="/_stand-in/care-team/form/close"><input type="hidden" name="messageId" value="${id}"><button type="submit">Close the conversation</button></form>`}
</article>`;
}

/** A form of the page, posted (urlencoded or multipart): carried out, then back to the page; a problem is a 400 page. */
export async function careTeamForm(careTeam: CareTeam, action: string, request: StandInRequest): Promise<Reply> {
  let form: FormData;
  try {
    form = await new Request("http://stand-in/", { method: "POST", headers: { "content-type": String(request.headers["content-type"] ?? "") }, body: new Uint8Array(request.body) }).formData();
  } catch {
    return html(400, page("Not a form", "<p>The request is not a form.</p>"));
  }
  const field = (name: string) => {
    const value = form.get(name);
    return typeof value === "string" ? value : "";
  };
  const messageId = field("messageId");
  try {
    if (action === "reply") {
      const file = form.get("attachment");
      const attachment =
        file && typeof file !== "string" && file.size > 0
          ? await (async () => {
              const content = Buffer.from(await file.arrayBuffer());
              return { fileName: file.name || "attachment", contentType: sniffContentType(content) ?? file.type, content };
            })()
          : undefined;
      if (!field("content").trim()) throw new Error("write an answer");
      await careTeam.reply(messageId, { content: field("content"), from: field("from").trim() || undefined, attachment });
    } else if (action === "open") await careTeam.open(messageId);
    else if (action === "close") await careTeam.close(messageId);
    else return html(404, page("No such form", "<p>No such form.</p>"));
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    return html(400, page("Not done", `<p>Not done: ${escapeHtml(text)}</p><p><a href="/_stand-in/care-team">Back</a></p>`));
  }
  return { status: 303, headers: { location: "/_stand-in/care-team" } };
}

/** An attachment's bytes, as the care team downloads it. */
export function careTeamAttachment(messages: MessageStore, messageId: string, attachmentId: string): Reply {
  const attachment = messages.get(messageId)?.attachments?.find((a) => a.id === attachmentId);
  if (!attachment) return html(404, page("Not found", "<p>No such attachment.</p>"));
  return {
    status: 200,
    headers: {
      "content-type": attachment.contentType,
      "content-disposition": `attachment; filename*=UTF-8''${encodeURIComponent(attachment.fileName)}`,
      "x-content-type-options": "nosniff",
    },
    body: attachment.content,
  };
}
