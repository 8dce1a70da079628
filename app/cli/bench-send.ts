// `npm run bench:send`: how fast the portal takes a citizen's new message (POST of the new-message form, answered 303).
//
// A fresh PostgreSQL database with the demo catalogue and generated patients, a session per virtual citizen and two
// production portal processes (bench-citizens.ts). Each message is a new conversation of a citizen with a unit they
// may write to (asked of the messages domain, as the page asks it: messageUnits), on one of its topics, a text of a
// realistic length (about 150–1,500 characters), its own form token; posted multipart as the browser posts the form
// (with the empty file input, or with --attachment one 200 kB JPEG). The citizens take turns. Then:
//   latency   p50/p95/p99 at a fixed rate (open loop: messages sent on a schedule, alternately to each process,
//             whatever the server's speed; latency counts from the scheduled time);
//   capacity  messages/s at saturation (closed loop, --connections at once over both processes), their p95, and the
//             CPU per message of the portals and the database.
// Every answer must be 303; any other is counted and makes the run fail. At the end the database must hold exactly
// one outgoing message and one outbox row ("message.send", naming it) per 303 (and with --attachment one attachment).
// The portals' relays try to deliver the outbox rows to a clinical system that resolves nowhere (bench-portal.ts)
// during the run, as production's would deliver them: their failed attempts are part of the CPU measured.
// Flags: --patients 2000  --citizens 1500  --rate 10  --seconds 20  --connections 16  --capacity-seconds 15  --attachment
import { randomBytes } from "node:crypto";
import os from "node:os";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { messageUnits, type MessageTopic } from "~/messages/writing.server";
import { rowsOf } from "../../db/connection";
import { localServerUrl, percentile } from "./bench-portal";
import { atRate, eachLimited, postForm, prepareCitizenBench, saturated, StatusCount, type Citizen, type Send } from "./bench-citizens";

const { values: args } = parseArgs({
  options: {
    patients: { type: "string", default: "2000" },
    citizens: { type: "string", default: "1500" },
    rate: { type: "string", default: "10" },
    seconds: { type: "string", default: "20" },
    connections: { type: "string", default: "16" },
    "capacity-seconds": { type: "string", default: "15" },
    // Each message with one 200 kB JPEG attached.
    attachment: { type: "boolean", default: false },
    "server-url": { type: "string", default: process.env.BENCH_DATABASE_URL ?? localServerUrl() },
    // A kept database with the generated patients loaded, measured again without loading (and not dropped).
    reuse: { type: "string" },
  },
});
const rate = Number(args.rate);
const capacitySeconds = Number(args["capacity-seconds"]);
const WARM_UP = 40;
const ATTACHMENT_BYTES = 200 * 1024;

/** Where a citizen may write: a unit and its topics, as the new-message page offers them. */
interface Writer {
  citizen: Citizen;
  unitId: string;
  topics: MessageTopic[];
}

interface Message {
  writer: Writer;
  topic: string;
  body: string;
}

/** A small deterministic generator (mulberry32), so that runs send the same texts. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SENTENCES = [
  "Jag har haft ont i ländryggen sedan i lördags och det blir inte bättre trots att jag tar värktabletter.",
  "Mitt recept på blodtrycksmedicinen tar slut nästa vecka och jag skulle behöva få det förnyat.",
  "Vid förra besöket sa doktorn att jag skulle höra av mig om febern kom tillbaka, och nu har jag haft 38,5 i två dagar.",
  "Jag undrar om mina provsvar från i tisdags har kommit och om jag behöver göra något.",
  "Kan jag ta ibuprofen samtidigt som mina andra läkemedel, eller ska jag hålla mig till paracetamol?",
  "Utslagen på armen har spridit sig lite sedan i går men de kliar mindre än förut.",
  "Jag skulle vilja boka om min tid på torsdag eftersom jag inte kan komma ifrån jobbet.",
  "Min dotter har hostat i över en vecka, mest på nätterna, och hon sover dåligt.",
  "Behöver jag fasta inför blodprovet, och i så fall hur länge?",
  "Jag har fått en ny tjänst och behöver ett intyg om att jag kan arbeta heltid igen.",
  "Sedan jag började med den nya medicinen har jag känt mig yr på morgnarna.",
  "Blodsockret har legat lite högre än vanligt den senaste tiden, runt 9–10 på morgonen.",
  "Tack för hjälpen senast, det har blivit mycket bättre med knät.",
  "Jag bifogar en bild på hur det ser ut nu, så kan ni bedöma om jag behöver komma in.",
];

/** A text as citizens write them: a greeting, two to twelve sentences (about 150–1,500 characters), a signature. */
function messageText(next: () => number): string {
  const count = 2 + Math.floor(next() * 11);
  const sentences = Array.from({ length: count }, () => SENTENCES[Math.floor(next() * SENTENCES.length)] as string);
  const paragraphs: string[] = [];
  for (let i = 0; i < sentences.length; i += 3) paragraphs.push(sentences.slice(i, i + 3).join(" "));
  return `Hej!\n\n${paragraphs.join("\n\n")}\n\nVänliga hälsningar`;
}

/** A JPEG-typed file of ATTACHMENT_BYTES: a JFIF header, incompressible bytes as a photo's are, its end marker. */
function jpegAttachment(): Buffer {
  const header = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
  const end = Buffer.from([0xff, 0xd9]);
  return Buffer.concat([header, randomBytes(ATTACHMENT_BYTES - header.length - end.length), end]);
}

/** The new-message form as a browser posts it (multipart; the file input empty, or with the photo). */
function multipart(fields: [string, string][], file: { name: string; fileName: string; type: string; bytes: Buffer }): { contentType: string; body: Buffer } {
  const boundary = `----bench${randomBytes(12).toString("hex")}`;
  const parts: Buffer[] = fields.map(([name, value]) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.fileName}"\r\nContent-Type: ${file.type}\r\n\r\n`), file.bytes, Buffer.from("\r\n"));
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat(parts) };
}

const photo = args.attachment ? jpegAttachment() : null;
const send: Send<Message> = (agent, portal, message) => {
  const { citizen, unitId } = message.writer;
  const form = multipart(
    [
      ["subject", citizen.personId],
      ["formToken", randomBytes(18).toString("base64url")],
      ["unit", unitId],
      ["topic", message.topic],
      ["body", message.body],
    ],
    photo
      ? { name: "attachments", fileName: "foto.jpg", type: "image/jpeg", bytes: photo }
      : { name: "attachments", fileName: "", type: "application/octet-stream", bytes: Buffer.alloc(0) },
  );
  return postForm(agent, portal, citizen, `/messages/new?unit=${encodeURIComponent(unitId)}`, form);
};

const ms = (n: number) => n.toFixed(1).padStart(6);
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(" ");
console.log(`machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "?"}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; node ${process.version}; load ${load()}`);

const writers: Writer[] = [];
const bench = await prepareCitizenBench(
  args["server-url"],
  { patients: Number(args.patients), citizens: Number(args.citizens), portals: 2, name: "send", ...(args.reuse ? { reuse: args.reuse } : {}) },
  // Each citizen writes to one of the units the new-message page offers them (by turns over the citizens).
  async (db, citizens) => {
    const now = new Date();
    await eachLimited(citizens, 8, async (citizen, i) => {
      const units = await messageUnits(db, { subjectId: citizen.personId, now });
      const unit = units[i % Math.max(1, units.length)];
      if (unit && unit.topics.length > 0) writers.push({ citizen, unitId: unit.id, topics: unit.topics });
    });
  },
);
let ok = false;
try {
  // Counted before the run: a reused database holds an earlier run's messages.
  const counts = async () =>
    rowsOf<{ outgoing: number; outbox: number; paired: number; attachments: number }>(
      await bench.db.execute(sql`
        select (select count(*)::int from outgoing_messages) as outgoing,
               (select count(*)::int from clinical_outbox where kind = 'message.send') as outbox,
               (select count(*)::int from outgoing_messages o join clinical_outbox c on c.id = o.outbox_id
                 where c.kind = 'message.send' and c.payload->>'outgoingId' = o.id::text and c.subject_person_id = o.person_id) as paired,
               (select count(*)::int from message_attachments) as attachments`),
    )[0]!;
  const before = await counts();

  const openLoop = Math.round(rate * Number(args.seconds));
  // More messages than saturation could take (a message is a few ms of CPU at the least); texts made as they are sent.
  const total = WARM_UP + openLoop + capacitySeconds * 1000;
  const next = random(28);
  const bodies = Array.from({ length: 500 }, () => messageText(next));
  const messages: Message[] = Array.from({ length: total }, (_, i) => {
    const writer = writers[i % writers.length]!;
    return { writer, topic: writer.topics[i % writer.topics.length]!.code, body: bodies[i % bodies.length]! };
  });
  // Mixed, so that neither run sends one citizen's messages in a row.
  for (let i = messages.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [messages[i], messages[j]] = [messages[j] as Message, messages[i] as Message];
  }
  const averageLength = bodies.reduce((n, b) => n + b.length, 0) / bodies.length;
  console.log(
    `${bench.citizens.length} citizens with sessions, ${writers.length} of them with a unit to write to; texts of ${Math.min(...bodies.map((b) => b.length))}–${Math.max(...bodies.map((b) => b.length))} characters (mean ${averageLength.toFixed(0)})` +
      (photo ? `; each with a ${(ATTACHMENT_BYTES / 1024).toFixed(0)} kB JPEG` : ""),
  );
  if (writers.length === 0) throw new Error("no citizen may write to any unit: use more --patients");

  const statuses = new StatusCount();
  // Warm up: JIT, connection pools, PostgreSQL's buffers.
  await saturated(bench.portals, messages.slice(0, WARM_UP), { seconds: 30, connections: 4, database: bench.databaseName }, send, statuses);
  const latency = await atRate(bench.portals, messages.slice(WARM_UP, WARM_UP + openLoop), rate, send, statuses);
  const capacity = await saturated(bench.portals, messages.slice(WARM_UP + openLoop), { seconds: capacitySeconds, connections: Number(args.connections), database: bench.databaseName }, send, statuses);

  console.log(`\n══ a new message (POST /messages/new → 303${photo ? ", with a 200 kB JPEG" : ""}), 2 portal processes`);
  console.log(`at ${rate} messages/s (open loop, ${latency.length} sent): p50 ${ms(percentile(latency, 50))}  p95 ${ms(percentile(latency, 95))}  p99 ${ms(percentile(latency, 99))} ms`);
  console.log(
    `at saturation (${args.connections} at once): ${(capacity.done / capacity.seconds).toFixed(0)} messages/s (${capacity.done} in ${capacity.seconds.toFixed(1)} s); ` +
      `p50 ${ms(percentile(capacity.latencies, 50))}  p95 ${ms(percentile(capacity.latencies, 95))}  p99 ${ms(percentile(capacity.latencies, 99))} ms; ` +
      `CPU per message: portals ${(capacity.portalCpuMs / capacity.done).toFixed(1)} ms, database ${(capacity.databaseCpuMs / capacity.done).toFixed(1)} ms`,
  );
  // Other work on the machine (load average above 2 on 2 cores) slows every figure here.
  console.log(`load average at the end: ${load()}`);
  console.log(`answers: ${statuses}`);

  // What the database holds: one outgoing row and one outbox row naming it per 303.
  const sent = statuses.counts.get(303) ?? 0;
  const after = await counts();
  const added = { outgoing: after.outgoing - before.outgoing, outbox: after.outbox - before.outbox, paired: after.paired - before.paired, attachments: after.attachments - before.attachments };
  console.log(
    `in the database: ${added.outgoing} outgoing messages, ${added.outbox} "message.send" outbox rows (${added.paired} naming their message), ${added.attachments} attachments, for ${sent} answers 303`,
  );
  const stored = added.outgoing === sent && added.outbox === sent && added.paired === sent && added.attachments === (photo ? sent : 0);
  ok = statuses.others(303) === 0 && stored;
  if (statuses.others(303) > 0) console.log("FAIL: answers other than 303");
  if (!stored) console.log("FAIL: the database does not hold exactly one message and one outbox row per 303");
} finally {
  await bench.cleanup();
}
process.exit(ok ? 0 : 1);
