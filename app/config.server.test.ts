import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "./config.server";

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
    });
    expect(c.demoData).toBe(false);
  });

  it("treats empty variables as unset", () => {
    expect(parseConfig({ DATABASE_URL: "", PORT: "" }).PORT).toBe(3000);
  });
});
