import nodemailer from "nodemailer";
import type { Config } from "~/config.server";
import { OutboxRefusal, type OutboxKind, type OutboxRow } from "~/clinical/outbox/outbox.server";
import { i18nFor } from "~/i18n/i18next.server";
import { isLanguage, defaultLanguage, type Language } from "~/i18n/config";
import type { NotificationChannel } from "../../db/schema";

/**
 * How a notification leaves the portal: an e-mail through SMTP, an SMS through the gateway, or, in development
 * without their settings, the development sink (listed on /dev/notifications). The text says only that there is a new
 * message and where to log in: no content, topic, unit or name, whatever the message was.
 *
 * At least once: the relay retries what may not have been sent, and neither SMTP nor the gateway can be asked whether
 * an earlier attempt got through, so an attempt cut off after the server took the message (a lost answer, a timeout)
 * is sent again. The e-mail's Message-ID is the same on every attempt, so a mail client may show the duplicate as one.
 */

export interface Email {
  to: string;
  subject: string;
  text: string;
  /** Stable per notification: `<notification-ID@host>`. */
  messageId: string;
}

export interface Mailer {
  /** Resolves when the SMTP server took the e-mail; throws OutboxRefusal when it refused it for good. */
  send(email: Email): Promise<void>;
}

export interface SmsGateway {
  /** Resolves when the gateway took the SMS; throws OutboxRefusal when it refused it for good. */
  send(to: string, text: string): Promise<void>;
}

/** The relay's client for the notification kinds. `sink` names the channels that go to the development sink. */
export interface Senders {
  mail: Mailer;
  sms: SmsGateway;
  /** The portal's address, in the text. */
  origin: string;
  sink: ReadonlySet<NotificationChannel>;
}

/** What a notification row holds: where to, and in which language. */
export interface NotificationPayload {
  to: string;
  language: Language;
}

/** What a delivered row keeps: what was sent where (the development page lists the sink's). */
export interface NotificationResult extends Record<string, unknown> {
  channel: NotificationChannel;
  to: string;
  text: string;
  messageId?: string;
  sink?: "development";
}

export const NOTIFICATION_KIND: Record<NotificationChannel, string> = { email: "notification.email", sms: "notification.sms" };

/** The notification's text in a language: the same for every message. */
export function notificationText(language: Language, origin: string): { subject: string; text: string } {
  const t = i18nFor(language).getFixedT(language, "notifications");
  return { subject: t("notification.subject"), text: t("notification.newMessage", { origin, interpolation: { escapeValue: false } }) };
}

export function messageIdOf(rowId: number, origin: string): string {
  return `<notification-${rowId}@${new URL(origin).hostname}>`;
}

function payloadOf(row: OutboxRow): NotificationPayload {
  const { to, language } = row.payload;
  if (typeof to !== "string" || to === "") throw new OutboxRefusal("the notification has no address");
  return { to, language: isLanguage(language) ? language : defaultLanguage };
}

const emailKind: OutboxKind<Senders> = {
  async write(row, senders) {
    const { to, language } = payloadOf(row);
    const { subject, text } = notificationText(language, senders.origin);
    const messageId = messageIdOf(row.id, senders.origin);
    await senders.mail.send({ to, subject, text, messageId });
    const result: NotificationResult = { channel: "email", to, text, messageId };
    return senders.sink.has("email") ? { ...result, sink: "development" } : result;
  },
  // Neither SMTP nor the gateway can say whether an earlier attempt got through: a retry sends again.
  readBack: () => Promise.resolve(null),
};

const smsKind: OutboxKind<Senders> = {
  async write(row, senders) {
    const { to, language } = payloadOf(row);
    const { text } = notificationText(language, senders.origin);
    await senders.sms.send(to, text);
    const result: NotificationResult = { channel: "sms", to, text };
    return senders.sink.has("sms") ? { ...result, sink: "development" } : result;
  },
  readBack: () => Promise.resolve(null),
};

export const notificationKinds: Readonly<Record<string, OutboxKind<Senders>>> = {
  [NOTIFICATION_KIND.email]: emailKind,
  [NOTIFICATION_KIND.sms]: smsKind,
};

export interface SmtpSettings {
  /** smtp://user:password@host:port or smtps://…; or host, port and credentials. */
  url?: string;
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  from: string;
  timeoutMs?: number;
}

/** An SMTP server's answer for the recipient or the message (5xx): sending again would be refused again. */
function isSmtpRefusal(error: unknown): error is Error & { responseCode: number } {
  const code = (error as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === "number" && code >= 500 && code < 600;
}

export function smtpMailer(settings: SmtpSettings): Mailer {
  const timeouts = { connectionTimeout: settings.timeoutMs ?? 15_000, greetingTimeout: settings.timeoutMs ?? 15_000, socketTimeout: settings.timeoutMs ?? 15_000 };
  const transport = settings.url
    ? nodemailer.createTransport({ url: settings.url, ...timeouts })
    : nodemailer.createTransport({
        host: settings.host,
        port: settings.port ?? 587,
        secure: settings.port === 465,
        auth: settings.user ? { user: settings.user, pass: settings.password } : undefined,
        ...timeouts,
      });
  return {
    async send(email) {
      try {
        await transport.sendMail({ from: settings.from, to: email.to, subject: email.subject, text: email.text, messageId: email.messageId });
      } catch (error) {
        // The server's words may name the address: the row keeps them, the log only the kind and status.
        if (isSmtpRefusal(error)) throw new OutboxRefusal(error.message, error.responseCode);
        throw error;
      }
    },
  };
}

export interface HttpSmsSettings {
  url: string;
  token: string;
  timeoutMs?: number;
}

/** POST { to, text } as JSON with the bearer token: 2xx taken, 4xx refused (408 and 429 tried again), else tried again. */
export function httpSmsGateway(settings: HttpSmsSettings): SmsGateway {
  return {
    async send(to, text) {
      const response = await fetch(settings.url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${settings.token}` },
        body: JSON.stringify({ to, text }),
        signal: AbortSignal.timeout(settings.timeoutMs ?? 15_000),
      });
      await response.body?.cancel();
      if (response.ok) return;
      if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
        throw new OutboxRefusal(`the SMS gateway refused the message (${response.status})`, response.status);
      }
      throw new Error(`the SMS gateway answered ${response.status}`);
    },
  };
}

/** Development without the channels' settings: nothing leaves the machine; the row's result is the record. */
const developmentSink = {
  send: () => Promise.resolve(),
};

/** The senders the configuration names; the development sink for a channel without settings (never in production). */
export function sendersFor(config: Config): Senders {
  const sink = new Set<NotificationChannel>();
  const smtpGiven = config.SMTP_URL !== undefined || config.SMTP_HOST !== undefined;
  if (!smtpGiven && config.NOTIFICATION_CHANNELS.includes("email")) sink.add("email");
  if (!config.SMS_GATEWAY_URL && config.NOTIFICATION_CHANNELS.includes("sms")) sink.add("sms");
  if (sink.size > 0 && config.NODE_ENV === "production") throw new Error("the development sink never runs in production");
  return {
    mail:
      smtpGiven && config.SMTP_FROM
        ? smtpMailer({ url: config.SMTP_URL, host: config.SMTP_HOST, port: config.SMTP_PORT, user: config.SMTP_USER, password: config.SMTP_PASSWORD, from: config.SMTP_FROM })
        : developmentSink,
    sms: config.SMS_GATEWAY_URL && config.SMS_GATEWAY_TOKEN ? httpSmsGateway({ url: config.SMS_GATEWAY_URL, token: config.SMS_GATEWAY_TOKEN }) : developmentSink,
    origin: config.publicOrigin,
    sink,
  };
}
