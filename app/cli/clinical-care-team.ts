/**
 * The care team of a running clinical stand-in (app/clinical/stand-in, on DEV_CLINICAL_PORT, default 3002): answers
 * and sends messages, cancels appointments and makes a resource change, so that the portal's poller has something to
 * bring in. Prints what it did as JSON.
 *
 *   npm run clinical:care-team -- reply <messageId> <content> [--from <practitionerId>]
 *   npm run clinical:care-team -- send <patientId> <subject> <content> --unit <organizationId> [--reminder]
 *   npm run clinical:care-team -- open <messageId>      (the unit opens a citizen's message)
 *   npm run clinical:care-team -- close <messageId>     (the unit closes its conversation: no more replies)
 *   npm run clinical:care-team -- cancel <appointmentId> [reason]
 *   npm run clinical:care-team -- touch <resourceType> <id>
 *   npm run clinical:care-team -- list <patientId>      (the patient's appointments and messages, to pick ids from)
 *
 * Or in a browser: http://127.0.0.1:3002/_stand-in/care-team lists the newest citizen messages with forms to answer
 * (with an attachment), open and close.
 */
import { parseArgs } from "node:util";
import type { Appointment } from "@medplum/fhirtypes";
import type { PatientMessage } from "~/clinical/millennium";

const USAGE = [
  "Usage: npm run clinical:care-team -- reply <messageId> <content> [--from <practitionerId>]",
  "       npm run clinical:care-team -- send <patientId> <subject> <content> --unit <organizationId> [--reminder]",
  "       npm run clinical:care-team -- open <messageId>",
  "       npm run clinical:care-team -- close <messageId>",
  "       npm run clinical:care-team -- cancel <appointmentId> [reason]",
  "       npm run clinical:care-team -- touch <resourceType> <id>",
  "       npm run clinical:care-team -- list <patientId>",
].join("\n");

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

function command(): { route: string; body?: Record<string, string>; what: string } {
  let parsed;
  try {
    parsed = parseArgs({ options: { from: { type: "string" }, unit: { type: "string" }, reminder: { type: "boolean", default: false }, help: { type: "boolean", default: false } }, allowPositionals: true, strict: true });
  } catch (error) {
    fail((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const [verb, a, b, c] = positionals;
  switch (verb) {
    case "reply":
      if (!a || !b) fail("reply needs a message id and the content");
      return { route: "care-team/reply", body: { messageId: a, content: b, ...(values.from ? { from: values.from } : {}) }, what: `answered message ${a}` };
    case "send":
      if (!a || !b || !c || !values.unit) fail("send needs a patient id, a subject, the content and --unit");
      return {
        route: "care-team/send",
        body: { patientId: a, subject: b, content: c, fromUnit: values.unit, ...(values.reminder ? { notificationType: "REMINDER" } : {}) },
        what: `sent a ${values.reminder ? "reminder" : "message"} to patient ${a}`,
      };
    case "open":
      if (!a) fail("open needs a message id");
      return { route: "care-team/open", body: { messageId: a }, what: `opened message ${a}` };
    case "close":
      if (!a) fail("close needs a message id");
      return { route: "care-team/close", body: { messageId: a }, what: `closed the conversation of message ${a}` };
    case "cancel":
      if (!a) fail("cancel needs an appointment id");
      return { route: "care-team/cancel", body: { appointmentId: a, ...(b ? { reason: b } : {}) }, what: `cancelled appointment ${a}` };
    case "touch":
      if (!a || !b) fail("touch needs a resource type and an id");
      return { route: "care-team/touch", body: { type: a, id: b }, what: `made a new version of ${a}/${b}` };
    case "list":
      if (!a) fail("list needs a patient id");
      return { route: `list/${encodeURIComponent(a)}`, what: `listed patient ${a}'s appointments and messages` };
    default:
      fail(verb ? `unknown command ${verb}` : "no command");
  }
}

async function main(): Promise<void> {
  const { route, body, what } = command();
  const port = process.env.DEV_CLINICAL_PORT ?? "3002";
  const standIn = `http://127.0.0.1:${port}/_stand-in`;
  let answer: unknown;
  let response: Response;
  try {
    if (route.startsWith("list/")) {
      const patient = route.slice("list/".length);
      const [appointments, messages] = await Promise.all([
        fetch(`${standIn}/inspect/appointments?patient=${patient}`).then((r) => r.json() as Promise<Appointment[]>),
        fetch(`${standIn}/inspect/messages?patientId=${patient}`).then((r) => r.json() as Promise<PatientMessage[]>),
      ]);
      response = new Response(null, { status: 200 });
      answer = {
        appointments: appointments.map((a) => ({ id: a.id, start: a.start, status: a.status })),
        messages: messages.map((m) => ({ id: m.id, at: m.createDateTime, from: m.sender.type, subject: m.subject, status: m.status })),
      };
    } else {
      response = await fetch(`${standIn}/${route}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      answer = (await response.json()) as unknown;
    }
  } catch {
    console.error(`No clinical stand-in answers on 127.0.0.1:${port} (DEV_CLINICAL_PORT). Is the portal (npm start) running?`);
    process.exit(1);
  }
  if (!response.ok) {
    console.error(`The stand-in refused: ${JSON.stringify(answer)}`);
    process.exit(1);
  }
  console.log(JSON.stringify({ did: what, result: answer }, null, 2));
}

await main();
