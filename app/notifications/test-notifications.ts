import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import type { Queryable } from "../../db/connection";
import { contactSettings, messages } from "../../db/schema";

/**
 * What the notification tests deliver to: a real SMTP server (smtp-server) and a real HTTP server as the SMS gateway,
 * both on the loopback, each able to be told to refuse or to be down for a while.
 */

export interface ReceivedEmail {
  to: string[];
  raw: string;
}

export interface TestSmtp {
  url: string;
  received: ReceivedEmail[];
  /** Answer every RCPT TO with this SMTP reply code (e.g. 550), or accept (null). */
  refuseWith: number | null;
  /** Stop listening (connections refused) until start() again, on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startTestSmtp(): Promise<TestSmtp> {
  const state: TestSmtp = {} as TestSmtp;
  const received: ReceivedEmail[] = [];
  let port = 0;
  let server: SMTPServer | undefined;
  const listen = async () => {
    const s = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS", "AUTH"],
      logger: false,
      onRcptTo(address, _session, callback) {
        if (state.refuseWith !== null) {
          const error = Object.assign(new Error("mailbox unavailable"), { responseCode: state.refuseWith });
          callback(error);
          return;
        }
        callback();
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString("utf8") });
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      s.once("error", reject);
      s.listen(port, "127.0.0.1", () => resolve());
    });
    port = (s.server.address() as AddressInfo).port;
    server = s;
  };
  await listen();
  const close = () =>
    new Promise<void>((resolve) => {
      const s = server;
      server = undefined;
      if (!s) return resolve();
      s.close(() => resolve());
    });
  Object.assign(state, {
    url: `smtp://127.0.0.1:${port}`,
    received,
    refuseWith: null,
    stop: close,
    start: listen,
    close,
  });
  return state;
}

export interface ReceivedSms {
  to: string;
  text: string;
  authorization: string | undefined;
}

export interface TestSmsGateway {
  url: string;
  token: string;
  received: ReceivedSms[];
  /** The status to answer with (200 by default). */
  status: number;
  close(): Promise<void>;
}

export async function startTestSmsGateway(): Promise<TestSmsGateway> {
  const gateway = { received: [] as ReceivedSms[], status: 200, token: randomUUID() } as TestSmsGateway;
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (gateway.status >= 200 && gateway.status < 300) {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { to: string; text: string };
        gateway.received.push({ to: body.to, text: body.text, authorization: req.headers.authorization });
      }
      res.writeHead(gateway.status, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  gateway.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`;
  gateway.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return gateway;
}

/** Notification settings that production requires and that reach nothing (`.invalid`), for tests of production mode. */
export function unreachableNotificationEnv(): Record<string, string> {
  return {
    SMTP_URL: "smtp://smtp.invalid:587",
    SMTP_FROM: "Min vård <no-reply@portal.invalid>",
    SMS_GATEWAY_URL: "https://sms.invalid/send",
    SMS_GATEWAY_TOKEN: "token",
  };
}

/** A care team's message that arrived now, as the feed or the poller writes it. */
export async function insertCareMessage(
  db: Queryable,
  input: { personId: string; threadId?: string; id?: string; sentAt?: Date; receivedAt?: Date; body?: string; topic?: string; unit?: string },
): Promise<{ id: string; threadId: string }> {
  const id = input.id ?? `comm-${randomUUID()}`;
  const threadId = input.threadId ?? id;
  await db.insert(messages).values({
    id,
    versionId: 1,
    raw: { resourceType: "Communication", id },
    personId: input.personId,
    threadId,
    parentId: threadId === id ? null : threadId,
    direction: "care",
    topic: input.topic ?? "Provsvar hudutslag",
    careUnitId: input.unit ?? "unit-hudkliniken",
    senderName: "Doktor Hemlig",
    body: input.body ?? "Ditt provsvar visar psoriasis.",
    sentAt: input.sentAt ?? new Date(),
    ...(input.receivedAt ? { receivedAt: input.receivedAt } : {}),
  });
  return { id, threadId };
}

export async function setContactSettings(
  db: Queryable,
  personId: string,
  settings: { email?: string | null; mobile?: string | null; byEmail?: boolean; bySms?: boolean; onNewMessage?: boolean; language?: "sv" | "en" },
): Promise<void> {
  const values = {
    email: settings.email ?? null,
    mobile: settings.mobile ?? null,
    byEmail: settings.byEmail ?? settings.email != null,
    bySms: settings.bySms ?? settings.mobile != null,
    onNewMessage: settings.onNewMessage ?? true,
    language: settings.language ?? "sv",
  };
  await db.insert(contactSettings).values({ personId, ...values }).onConflictDoUpdate({ target: contactSettings.personId, set: values });
}
