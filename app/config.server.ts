import { z } from "zod";
import { DEFAULT_POOL_SIZE } from "../db/pool";

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
    /** Per client address: logins begun or completed per 10 minutes, form posts and feed requests per minute. */
    RATE_LIMIT_LOGINS_PER_10_MINUTES: positiveInt.default(50),
    RATE_LIMIT_FORM_POSTS_PER_MINUTE: positiveInt.default(60),
    RATE_LIMIT_FEED_REQUESTS_PER_MINUTE: positiveInt.default(1200),
    OIDC_ISSUER: z.url({ error: "must be the identity provider's issuer URL" }).optional(),
    OIDC_CLIENT_ID: z.string().min(1).optional(),
    OIDC_CLIENT_SECRET: z.string().min(1).optional(),
    OIDC_PERSONNUMMER_CLAIM: z.string().min(1).default("personal_identity_number"),
    DEV_IDP_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
    SESSION_IDLE_MINUTES: positiveInt.default(15),
    SESSION_ABSOLUTE_HOURS: positiveInt.default(8),
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
  });

export type Config = z.output<typeof configSchema> & { publicOrigin: string; demoData: boolean };

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
  const c = parsed.data;
  return {
    ...c,
    publicOrigin: new URL(c.PUBLIC_ORIGIN ?? `http://localhost:${c.PORT}`).origin,
    demoData: c.DEMO_DATA ?? c.NODE_ENV !== "production",
  };
}

let cached: Config | undefined;

/** The process's configuration, parsed once. */
export function config(): Config {
  cached ??= parseConfig();
  return cached;
}
