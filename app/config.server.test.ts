import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { publicJwk } from "./clinical/settings.server";
import { testKey } from "./clinical/test-clinical-system";
import { ConfigError, parseConfig } from "./config.server";
import { unreachableNotificationEnv } from "./notifications/test-notifications";

const clinical = {
  CLINICAL_FHIR_BASE: "https://fhir.example.se/r4/tenant/",
  CLINICAL_TOKEN_URL: "https://auth.example.se/tenants/tenant/protocols/oauth2/profiles/smart-v1/token",
  CLINICAL_CLIENT_ID: "portal",
  CLINICAL_PRIVATE_KEY: testKey("ES384", "jwk").text,
};

function problems(env: Record<string, string>): string {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.join("\n");
    throw error;
  }
  throw new Error("the configuration was accepted");
}

describe("configuration", () => {
  it("has working defaults for a developer machine", () => {
    const c = parseConfig({});
    expect(c.PORT).toBe(3000);
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.publicOrigin).toBe("http://localhost:3000");
    expect(c.demoData).toBe(true);
    expect(c.DATABASE_POOL_SIZE).toBe(3);
    expect(c.SESSION_IDLE_MINUTES).toBe(15);
    expect(c.SESSION_ABSOLUTE_HOURS).toBe(8);
  });

  it.each([
    ["PORT", "eighty"],
    ["DATABASE_URL", "mysql://x"],
    ["PUBLIC_ORIGIN", "not a url"],
    ["SESSION_IDLE_MINUTES", "-5"],
    ["FEED_TOKEN", "short"],
    ["DEMO_DATA", "maybe"],
    ["LOG_LEVEL", "loud"],
  ])("names the variable when %s is wrong", (name, value) => {
    let error: unknown;
    try {
      parseConfig({ [name]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.join("\n")).toContain(name);
  });

  it("refuses production without the region's identity provider", () => {
    expect(() => parseConfig({ NODE_ENV: "production" })).toThrow(/OIDC_ISSUER/);
    expect(() =>
      parseConfig({ NODE_ENV: "production", OIDC_ISSUER: "https://idp.example.se", OIDC_CLIENT_ID: "portal" }),
    ).toThrow(/OIDC_CLIENT_SECRET/);
    const c = parseConfig({
      NODE_ENV: "production",
      OIDC_ISSUER: "https://idp.example.se",
      OIDC_CLIENT_ID: "portal",
      OIDC_CLIENT_SECRET: "secret",
      ...clinical,
      ...unreachableNotificationEnv(),
    });
    expect(c.demoData).toBe(false);
  });

  it("treats empty variables as unset", () => {
    expect(parseConfig({ DATABASE_URL: "", PORT: "" }).PORT).toBe(3000);
  });
});

describe("the clinical system's settings", () => {
  it("are none on a developer machine: the stand-in is then used", () => {
    expect(parseConfig({}).clinical).toBeNull();
  });

  it("are read together, the key into a key object, the base without its trailing slash", () => {
    const c = parseConfig(clinical);
    expect(c.clinical).toMatchObject({
      fhirBase: "https://fhir.example.se/r4/tenant",
      tokenUrl: clinical.CLINICAL_TOKEN_URL,
      clientId: "portal",
      signingKey: { alg: "ES384", kid: "portal-es384" },
      timeoutMs: 15_000,
    });
    expect(c.clinical?.scopes).toContain("system/Appointment.write");
    // The key's text goes nowhere from here: not in the configuration a careless log line might print.
    expect(JSON.stringify(c)).not.toContain(JSON.parse(clinical.CLINICAL_PRIVATE_KEY).d);
    expect(c).not.toHaveProperty("CLINICAL_PRIVATE_KEY");
  });

  it("take a PEM whose line breaks came as \\n, as some secret stores give multi-line values", () => {
    const pem = testKey("RS384", "pem");
    const c = parseConfig({ ...clinical, CLINICAL_PRIVATE_KEY: pem.text.trim().replaceAll("\n", "\\n") });
    expect(c.clinical?.signingKey.alg).toBe("RS384");
    expect(publicJwk(c.clinical!.signingKey)).toMatchObject({ ...pem.publicKey.export({ format: "jwk" }), kid: c.clinical?.signingKey.kid, alg: "RS384" });
  });

  it("are all four or none", () => {
    const { CLINICAL_CLIENT_ID: _id, CLINICAL_PRIVATE_KEY: _key, ...two } = clinical;
    const said = problems(two);
    expect(said).toMatch(/CLINICAL_CLIENT_ID is required when CLINICAL_FHIR_BASE, CLINICAL_TOKEN_URL are set/);
    expect(said).toMatch(/CLINICAL_PRIVATE_KEY is required/);
  });

  it("are required in production, over https", () => {
    const oidc = { NODE_ENV: "production", OIDC_ISSUER: "https://idp.example.se", OIDC_CLIENT_ID: "portal", OIDC_CLIENT_SECRET: "secret" };
    expect(problems(oidc)).toMatch(/CLINICAL_FHIR_BASE is required in production/);
    expect(problems({ ...oidc, ...clinical, CLINICAL_TOKEN_URL: "http://auth.example.se/token" })).toMatch(/CLINICAL_TOKEN_URL must be https in production/);
  });

  it("give the outbox's relay a lease longer than a delivery can take", () => {
    expect(parseConfig({}).CLINICAL_OUTBOX_LEASE_MS).toBeGreaterThanOrEqual(4 * parseConfig({}).CLINICAL_REQUEST_TIMEOUT_MS);
    expect(problems({ CLINICAL_REQUEST_TIMEOUT_MS: "15000", CLINICAL_OUTBOX_LEASE_MS: "30000" })).toMatch(/CLINICAL_OUTBOX_LEASE_MS must be at least 4 times/);
    expect(parseConfig({ CLINICAL_OUTBOX_MAX_ATTEMPTS: "3" }).CLINICAL_OUTBOX_MAX_ATTEMPTS).toBe(3);
  });

  it("give the poller a lease longer than its requests, and read its groups and windows", () => {
    const defaults = parseConfig({});
    expect(defaults).toMatchObject({ CLINICAL_POLL_OVERLAP_MS: 120_000, CLINICAL_POLL_LOOKBACK_HOURS: 24, CLINICAL_POLL_ACTIVE_HOURS: 72 });
    expect(defaults.CLINICAL_POLL_LEASE_MS).toBeGreaterThanOrEqual(4 * defaults.CLINICAL_REQUEST_TIMEOUT_MS);
    expect(problems({ CLINICAL_REQUEST_TIMEOUT_MS: "15000", CLINICAL_POLL_LEASE_MS: "30000" })).toMatch(/CLINICAL_POLL_LEASE_MS must be at least 4 times/);
    expect(parseConfig({ CLINICAL_EXPORT_GROUPS: "101, 102" }).CLINICAL_EXPORT_GROUPS).toEqual(["101", "102"]);
    expect(problems({ CLINICAL_POLL_INTERVAL_MS: "0" })).toMatch(/CLINICAL_POLL_INTERVAL_MS must be above 0/);
  });

  it("list scopes one by one, never a wildcard", () => {
    expect(parseConfig({ ...clinical, CLINICAL_SCOPES: "system/Slot.read, system/Appointment.write" }).clinical?.scopes).toEqual([
      "system/Slot.read",
      "system/Appointment.write",
    ]);
    expect(problems({ ...clinical, CLINICAL_SCOPES: "system/*.read" })).toMatch(/CLINICAL_SCOPES lists system\/\*\.read: Millennium grants no wildcards/);
  });

  const rsa1024 = generateKeyPairSync("rsa", { modulusLength: 1024 });
  const p256 = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const ed25519 = generateKeyPairSync("ed25519");
  const rsaPem = testKey("RS384", "pem");
  /** What of the key is secret: a JWK's "d", a PEM's first line of base64, else all of it. */
  const secretOf = (text: string) => /"d":"([^"]+)/.exec(text)?.[1] ?? (text.startsWith("-----") ? text.split("\n")[1] : text) ?? text;

  it.each([
    ["text that is no key", "hunter2-not-a-key-at-all", /must be a private key as a JWK \(JSON\) or PEM/],
    ["broken JSON", '{"kty":"EC","d":"c2VjcmV0LXZhbHVl', /is not a JWK: its JSON does not parse/],
    ["a public JWK", JSON.stringify(p256.publicKey.export({ format: "jwk" })), /is a public JWK/],
    ["a public PEM", rsa1024.publicKey.export({ format: "pem", type: "spki" }).toString(), /holds a public key or a certificate/],
    ["a damaged PEM", rsaPem.text.replace(/\n[A-Za-z0-9+/]{20}/, "\n!!!!"), /is not a readable PEM private key/],
    ["an RSA key of 1024 bits", rsa1024.privateKey.export({ format: "pem", type: "pkcs8" }).toString(), /is an RSA key of 1024 bits: RS384 needs 2048/],
    ["an EC key on P-256", JSON.stringify(p256.privateKey.export({ format: "jwk" })), /is an EC key on prime256v1: ES384 needs P-384/],
    ["an Ed25519 key", ed25519.privateKey.export({ format: "pem", type: "pkcs8" }).toString(), /is a key of type ed25519: the client signs with RS384 \(RSA\) or ES384/],
    ["a JWK for another algorithm", testKey("RS384", "jwk", { alg: "RS256" }).text, /says alg "RS256", but this key signs RS384/],
  ])("refuse %s, naming the variable and not the key", (_name, key, message) => {
    const said = problems({ ...clinical, CLINICAL_PRIVATE_KEY: key });
    expect(said).toMatch(new RegExp(`CLINICAL_PRIVATE_KEY ${message.source}`));
    expect(said).not.toContain(secretOf(key));
  });
});

describe("the notification channels' settings", () => {
  const production = { NODE_ENV: "production", OIDC_ISSUER: "https://idp.example.se", OIDC_CLIENT_ID: "portal", OIDC_CLIENT_SECRET: "secret", ...clinical };

  it("are required in production for each channel offered", () => {
    expect(problems(production)).toMatch(/SMTP_URL \(or SMTP_HOST\) is required in production/);
    expect(problems(production)).toMatch(/SMS_GATEWAY_URL is required in production/);
    expect(problems({ ...production, NOTIFICATION_CHANNELS: "email" })).not.toMatch(/SMS_GATEWAY_URL/);
    const c = parseConfig({ ...production, NOTIFICATION_CHANNELS: "sms", SMS_GATEWAY_URL: "https://sms.example.se/send", SMS_GATEWAY_TOKEN: "t" });
    expect(c.NOTIFICATION_CHANNELS).toEqual(["sms"]);
  });

  it("go together: a sender with the server, a password with the user, a token with the gateway", () => {
    expect(problems({ SMTP_HOST: "smtp.example.se" })).toMatch(/SMTP_FROM is required when SMTP_URL or SMTP_HOST is set/);
    expect(problems({ SMTP_HOST: "smtp.example.se", SMTP_FROM: "a@example.se", SMTP_USER: "u" })).toMatch(/SMTP_PASSWORD is required/);
    expect(problems({ SMS_GATEWAY_URL: "https://sms.example.se" })).toMatch(/SMS_GATEWAY_TOKEN is required/);
    expect(problems({ SMTP_URL: "http://smtp.example.se" })).toMatch(/SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL/);
    expect(problems({ NOTIFICATION_CHANNELS: "email,fax" })).toMatch(/NOTIFICATION_CHANNELS/);
    expect(parseConfig({}).NOTIFICATION_CHANNELS).toEqual(["email", "sms"]);
  });
});
