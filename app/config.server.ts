import { z } from "zod";
import { DEFAULT_POOL_SIZE } from "../db/pool";
import {
  DEFAULT_CLINICAL_SCOPES,
  parseScopes,
  parseSigningKey,
  SigningKeyError,
  type ClinicalSettings,
} from "~/clinical/settings.server";

const flag = z
  .enum(["true", "false", "1", "0", "yes", "no"], { error: "must be true or false" })
  .transform((v) => v === "true" || v === "1" || v === "yes");

const commaList = z
  .string()
  .transform((v) =>
    v
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  );

const positiveInt = z.coerce.number({ error: "must be a whole number" }).int("must be a whole number").positive("must be above 0");

export const configSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default("0.0.0.0"),
    /** The address citizens reach the portal at; same-origin checks and login redirects use it. */
    PUBLIC_ORIGIN: z.url({ error: "must be an absolute URL such as https://portal.example.se" }).optional(),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://")
      .optional(),
    /** See db/pool.ts. */
    DATABASE_POOL_SIZE: positiveInt.default(DEFAULT_POOL_SIZE),
    PGLITE_DIR: z.string().min(1).default("./.data/pglite"),
    DEMO_DATA: flag.optional(),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    FEED_TOKEN: z.string().min(32, "must be at least 32 characters").optional(),
    FEED_MAX_BODY_BYTES: positiveInt.default(50 * 1024 * 1024),
    /** Largest form post a page accepts (application/x-www-form-urlencoded). */
    FORM_MAX_BODY_BYTES: positiveInt.default(64 * 1024),
    /**
     * Largest message form post (multipart/form-data, to /messages/new and a conversation): five files of 10 MB, the
     * text, and room for a file that is too big, so that the page can say so and give the text back.
     */
    MESSAGE_FORM_MAX_BODY_BYTES: positiveInt.default(64 * 1024 * 1024),
    /** Per client address: logins begun or completed per 10 minutes, form posts and feed requests per minute. */
    RATE_LIMIT_LOGINS_PER_10_MINUTES: positiveInt.default(50),
    RATE_LIMIT_FORM_POSTS_PER_MINUTE: positiveInt.default(60),
    RATE_LIMIT_FEED_REQUESTS_PER_MINUTE: positiveInt.default(1200),
    OIDC_ISSUER: z.url({ error: "must be the identity provider's issuer URL" }).optional(),
    OIDC_CLIENT_ID: z.string().min(1).optional(),
    OIDC_CLIENT_SECRET: z.string().min(1).optional(),
    OIDC_PERSONNUMMER_CLAIM: z.string().min(1).default("personal_identity_number"),
    DEV_IDP_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
    /** Without CLINICAL_FHIR_BASE (never in production), the development stand-in of the clinical system listens here. */
    DEV_CLINICAL_PORT: z.coerce.number().int().min(0).max(65535).default(3002),
    SESSION_IDLE_MINUTES: positiveInt.default(15),
    SESSION_ABSOLUTE_HOURS: positiveInt.default(8),
    /** The clinical system (Millennium): its FHIR base and SMART Backend Services client. All four, or none. */
    CLINICAL_FHIR_BASE: z.url({ error: "must be the clinical system's FHIR base URL" }).optional(),
    CLINICAL_TOKEN_URL: z.url({ error: "must be the clinical system's token endpoint URL" }).optional(),
    CLINICAL_CLIENT_ID: z.string().min(1).optional(),
    // Read into a key object here, so that a bad key stops the start and the text of the key goes no further.
    CLINICAL_PRIVATE_KEY: z
      .string()
      .transform((text, ctx) => {
        try {
          return parseSigningKey(text);
        } catch (error) {
          ctx.addIssue({ code: "custom", message: error instanceof SigningKeyError ? error.message : "cannot be read as a private key" });
          return z.NEVER;
        }
      })
      .optional(),
    CLINICAL_SCOPES: z
      .string()
      .transform((text, ctx) => {
        try {
          return parseScopes(text);
        } catch (error) {
          ctx.addIssue({ code: "custom", message: (error as Error).message });
          return z.NEVER;
        }
      })
      .default([...DEFAULT_CLINICAL_SCOPES]),
    CLINICAL_REQUEST_TIMEOUT_MS: positiveInt.default(15_000),
    /** The outbox's relay (app/clinical/outbox): attempts before a row is failed, deliveries at once per process. */
    CLINICAL_OUTBOX_MAX_ATTEMPTS: positiveInt.default(10),
    CLINICAL_OUTBOX_CONCURRENCY: positiveInt.default(50),
    /**
     * How long a relay holds a row it delivers before another may take it over. Longer than any one delivery can take
     * (a read back, a write and a read, each up to the request timeout, plus the client's waits for 429), or a live
     * relay's row is taken over while its write is still under way.
     */
    CLINICAL_OUTBOX_LEASE_MS: positiveInt.default(300_000),
    /**
     * The poller (app/clinical/poller): how often it asks what changed (default 30 s; 5 s against the development
     * stand-in, so that what a developer does as the care team shows at once), and how far back each pass reaches.
     */
    CLINICAL_POLL_INTERVAL_MS: positiveInt.optional(),
    /** Each `_lastUpdated` pass starts this long before the cursor, for changes that became visible late with an earlier time. */
    CLINICAL_POLL_OVERLAP_MS: positiveInt.default(120_000),
    /** How long the process that polls holds that role without renewing it; past it, another process takes over. */
    CLINICAL_POLL_LEASE_MS: positiveInt.default(120_000),
    /** A stream without a cursor (the first start) asks for the changes of this many hours back; older is Bulk's job. */
    CLINICAL_POLL_LOOKBACK_HOURS: positiveInt.default(24),
    /** Who counts as using the portal (polled per person): signed in, or their data read, within this many hours. */
    CLINICAL_POLL_ACTIVE_HOURS: positiveInt.default(72),
    /** The Bulk Data groups the reconciliation exports (`npm run clinical:reconcile`), comma-separated ids. */
    CLINICAL_EXPORT_GROUPS: commaList.optional(),
    /**
     * Notifications (app/notifications): the channels offered on the contact settings page, and how they are sent.
     * Production requires the settings of each channel offered; without them, development delivers to a sink listed
     * on /dev/notifications.
     */
    NOTIFICATION_CHANNELS: commaList
      .pipe(z.array(z.enum(["email", "sms"], { error: "must list email and/or sms" })).min(1, "must name at least one channel"))
      .default(["email", "sms"]),
    NOTIFICATION_MAX_ATTEMPTS: positiveInt.default(10),
    /** The SMTP server: a URL (smtp://user:password@host:587, smtps://…), or host, port, user and password. */
    SMTP_URL: z.url({ protocol: /^smtps?$/, error: "must be an smtp:// or smtps:// URL" }).optional(),
    SMTP_HOST: z.string().min(1).optional(),
    SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(587),
    SMTP_USER: z.string().min(1).optional(),
    SMTP_PASSWORD: z.string().min(1).optional(),
    /** The sender of the notification e-mails: an address, or "Name <address>". */
    SMTP_FROM: z.string().min(3).optional(),
    /** The SMS gateway: POST { to, text } as JSON with the bearer token. */
    SMS_GATEWAY_URL: z.url({ error: "must be the SMS gateway's URL" }).optional(),
    SMS_GATEWAY_TOKEN: z.string().min(1).optional(),
    RECORD_EXCLUDED_UNITS: commaList.optional(),
    RECORD_EXCLUDED_KEYWORDS: commaList.optional(),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === "production" && !env.OIDC_ISSUER) {
      ctx.addIssue({
        code: "custom",
        path: ["OIDC_ISSUER"],
        message:
          "is required in production: the development identity provider lets anyone sign in as anyone and never runs with NODE_ENV=production",
      });
    }
    if (env.OIDC_ISSUER && (!env.OIDC_CLIENT_ID || !env.OIDC_CLIENT_SECRET)) {
      ctx.addIssue({
        code: "custom",
        path: [env.OIDC_CLIENT_ID ? "OIDC_CLIENT_SECRET" : "OIDC_CLIENT_ID"],
        message: "is required when OIDC_ISSUER is set",
      });
    }
    const clinical = [
      ["CLINICAL_FHIR_BASE", env.CLINICAL_FHIR_BASE],
      ["CLINICAL_TOKEN_URL", env.CLINICAL_TOKEN_URL],
      ["CLINICAL_CLIENT_ID", env.CLINICAL_CLIENT_ID],
      ["CLINICAL_PRIVATE_KEY", env.CLINICAL_PRIVATE_KEY],
    ] as const;
    const given = clinical.filter(([, value]) => value !== undefined).map(([name]) => name);
    if (given.length === 0 && env.NODE_ENV === "production") {
      ctx.addIssue({
        code: "custom",
        path: ["CLINICAL_FHIR_BASE"],
        message:
          "is required in production, with CLINICAL_TOKEN_URL, CLINICAL_CLIENT_ID and CLINICAL_PRIVATE_KEY: the development stand-in of the clinical system never runs with NODE_ENV=production",
      });
    }
    if (given.length > 0) {
      for (const [name, value] of clinical) {
        if (value === undefined) ctx.addIssue({ code: "custom", path: [name], message: `is required when ${given.join(", ")} ${given.length > 1 ? "are" : "is"} set` });
      }
    }
    if (env.CLINICAL_OUTBOX_LEASE_MS < 4 * env.CLINICAL_REQUEST_TIMEOUT_MS) {
      ctx.addIssue({
        code: "custom",
        path: ["CLINICAL_OUTBOX_LEASE_MS"],
        message: "must be at least 4 times CLINICAL_REQUEST_TIMEOUT_MS: a delivery makes up to three requests, and a lease that ends while one is under way lets a second relay write the same row",
      });
    }
    if (env.CLINICAL_POLL_LEASE_MS < 4 * env.CLINICAL_REQUEST_TIMEOUT_MS) {
      ctx.addIssue({
        code: "custom",
        path: ["CLINICAL_POLL_LEASE_MS"],
        message: "must be at least 4 times CLINICAL_REQUEST_TIMEOUT_MS: the poller renews its lease between requests, and a lease that ends during one lets a second process poll at the same time",
      });
    }
    const smtpGiven = env.SMTP_URL !== undefined || env.SMTP_HOST !== undefined;
    if (env.SMTP_URL && env.SMTP_HOST) ctx.addIssue({ code: "custom", path: ["SMTP_HOST"], message: "must not be set with SMTP_URL: one or the other" });
    if (smtpGiven && !env.SMTP_FROM) ctx.addIssue({ code: "custom", path: ["SMTP_FROM"], message: "is required when SMTP_URL or SMTP_HOST is set" });
    if (env.SMTP_USER && !env.SMTP_PASSWORD) ctx.addIssue({ code: "custom", path: ["SMTP_PASSWORD"], message: "is required when SMTP_USER is set" });
    if (env.SMS_GATEWAY_URL && !env.SMS_GATEWAY_TOKEN) ctx.addIssue({ code: "custom", path: ["SMS_GATEWAY_TOKEN"], message: "is required when SMS_GATEWAY_URL is set" });
    if (env.NODE_ENV === "production") {
      if (env.NOTIFICATION_CHANNELS.includes("email") && !smtpGiven) {
        ctx.addIssue({
          code: "custom",
          path: ["SMTP_URL"],
          message: "(or SMTP_HOST) is required in production while NOTIFICATION_CHANNELS offers email: the development sink never runs with NODE_ENV=production",
        });
      }
      if (env.NOTIFICATION_CHANNELS.includes("sms") && !env.SMS_GATEWAY_URL) {
        ctx.addIssue({
          code: "custom",
          path: ["SMS_GATEWAY_URL"],
          message: "is required in production while NOTIFICATION_CHANNELS offers sms: the development sink never runs with NODE_ENV=production",
        });
      }
      for (const [name, value] of [clinical[0], clinical[1]]) {
        if (value !== undefined && !value.startsWith("https://")) {
          ctx.addIssue({ code: "custom", path: [name], message: "must be https in production: the token and patient data go over it" });
        }
      }
    }
  });

type ClinicalVariable = "CLINICAL_FHIR_BASE" | "CLINICAL_TOKEN_URL" | "CLINICAL_CLIENT_ID" | "CLINICAL_PRIVATE_KEY";

export type Config = Omit<z.output<typeof configSchema>, ClinicalVariable> & {
  publicOrigin: string;
  demoData: boolean;
  /**
   * The clinical system, or null when none is configured (never in production): then a development stand-in is to
   * be started in its place, as the development identity provider is for OIDC_ISSUER.
   */
  clinical: ClinicalSettings | null;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Reads and validates the environment; throws a ConfigError naming each wrong variable. */
export function parseConfig(env: Record<string, string | undefined> = process.env): Config {
  const input = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join(".") || "environment"} ${i.message}`));
  }
  const { CLINICAL_FHIR_BASE, CLINICAL_TOKEN_URL, CLINICAL_CLIENT_ID, CLINICAL_PRIVATE_KEY, ...c } = parsed.data;
  return {
    ...c,
    publicOrigin: new URL(c.PUBLIC_ORIGIN ?? `http://localhost:${c.PORT}`).origin,
    demoData: c.DEMO_DATA ?? c.NODE_ENV !== "production",
    clinical:
      CLINICAL_FHIR_BASE && CLINICAL_TOKEN_URL && CLINICAL_CLIENT_ID && CLINICAL_PRIVATE_KEY
        ? {
            fhirBase: CLINICAL_FHIR_BASE.replace(/\/+$/, ""),
            tokenUrl: CLINICAL_TOKEN_URL,
            clientId: CLINICAL_CLIENT_ID,
            signingKey: CLINICAL_PRIVATE_KEY,
            scopes: c.CLINICAL_SCOPES,
            timeoutMs: c.CLINICAL_REQUEST_TIMEOUT_MS,
          }
        : null,
  };
}

let cached: Config | undefined;

/** The process's configuration, parsed once. */
export function config(): Config {
  cached ??= parseConfig();
  return cached;
}
