/**
 * The care team of a running clinical stand-in (app/clinical/stand-in, on DEV_CLINICAL_PORT, default 3002): answers
 * and sends messages, cancels appointments and makes a resource change, so that the portal's poller has something to
 * bring in. Prints what it did as JSON.
 *
 *   npm run clinical:care-team -- reply <messageId> <content> [--from <practitionerId>]
 *   npm run clinical:care-team -- send <patientId> <subject> <content> --unit <organizationId>
 *   npm run clinical:care-team -- cancel <appointmentId> [reason]
 *   npm run clinical:care-team -- touch <resourceType> <id>
 */
import { parseArgs } from "node:util";

const USAGE = [
  "Usage: npm run clinical:care-team -- reply <messageId> <content> [--from <practitionerId>]",
  "       npm run clinical:care-team -- send <patientId> <subject> <content> --unit <organizationId>",
  "       npm run clinical:care-team -- cancel <appointmentId> [reason]",
  "       npm run clinical:care-team -- touch <resourceType> <id>",
].join("\n");

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

function command(): { route: string; body: Record<string, string>; what: string } {
  let parsed;
  try {
    parsed = parseArgs({ options: { from: { type: "string" }, unit: { type: "string" }, help: { type: "boolean", default: false } }, allowPositionals: true, strict: true });
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
      return { route: "care-team/send", body: { patientId: a, subject: b, content: c, fromUnit: values.unit }, what: `sent a message to patient ${a}` };
    case "cancel":
      if (!a) fail("cancel needs an appointment id");
      return { route: "care-team/cancel", body: { appointmentId: a, ...(b ? { reason: b } : {}) }, what: `cancelled appointment ${a}` };
    case "touch":
      if (!a || !b) fail("touch needs a resource type and an id");
      return { route: "care-team/touch", body: { type: a, id: b }, what: `made a new version of ${a}/${b}` };
    default:
      fail(verb ? `unknown command ${verb}` : "no command");
  }
}

async function main(): Promise<void> {
  const { route, body, what } = command();
  const port = process.env.DEV_CLINICAL_PORT ?? "3002";
  const url = `http://127.0.0.1:${port}/_stand-in/${route}`;
  let response: Response;
  try {
    response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  } catch {
    console.error(`No clinical stand-in answers on 127.0.0.1:${port} (DEV_CLINICAL_PORT). Is the portal (npm start) running?`);
    process.exit(1);
  }
  const answer = (await response.json()) as unknown;
  if (!response.ok) {
    console.error(`The stand-in refused: ${JSON.stringify(answer)}`);
    process.exit(1);
  }
  console.log(JSON.stringify({ did: what, result: answer }, null, 2));
}

await main();
