import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const localesDir = path.resolve(import.meta.dirname, "../locales");

function keysOf(value: unknown, prefix = ""): string[] {
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => keysOf(v, prefix ? `${prefix}.${k}` : k));
  }
  return [prefix];
}

function localeKeys(lng: string): Map<string, string[]> {
  const dir = path.join(localesDir, lng);
  return new Map(
    readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .map((f) => [f, keysOf(JSON.parse(readFileSync(path.join(dir, f), "utf8"))).sort()]),
  );
}

describe("locales", () => {
  const sv = localeKeys("sv");
  const en = localeKeys("en");

  it("have the same namespaces in sv and en", () => {
    expect([...en.keys()].sort()).toEqual([...sv.keys()].sort());
  });

  it.each([...sv.keys()])("%s has the same keys in sv and en", (ns) => {
    expect(en.get(ns)).toEqual(sv.get(ns));
  });

  it("has no empty translations", () => {
    for (const lng of ["sv", "en"]) {
      for (const file of readdirSync(path.join(localesDir, lng))) {
        const walk = (v: unknown, at: string): void => {
          if (typeof v === "string") expect(v.trim(), `${lng}/${file} ${at}`).not.toBe("");
          else if (v && typeof v === "object") for (const [k, c] of Object.entries(v)) walk(c, `${at}.${k}`);
        };
        walk(JSON.parse(readFileSync(path.join(localesDir, lng, file), "utf8")), "");
      }
    }
  });
});
