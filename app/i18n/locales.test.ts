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

/** Every text of every namespace in both languages, with where it is. */
function texts(): { where: string; text: string }[] {
  const out: { where: string; text: string }[] = [];
  for (const lng of ["sv", "en"]) {
    for (const file of readdirSync(path.join(localesDir, lng)).filter((f) => f.endsWith(".json"))) {
      const walk = (v: unknown, at: string): void => {
        if (typeof v === "string") out.push({ where: `${lng}/${file} ${at}`, text: v });
        else if (v && typeof v === "object") for (const [k, c] of Object.entries(v)) walk(c, at ? `${at}.${k}` : k);
      };
      walk(JSON.parse(readFileSync(path.join(localesDir, lng, file), "utf8")), "");
    }
  }
  return out;
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
    for (const { where, text } of texts()) expect(text.trim(), where).not.toBe("");
  });

  // A person's name may be "ditt barn" / "your child" (a child with protected identity), which would start the
  // sentence in lower case.
  it("starts no sentence with a person's name", () => {
    const startsWithName = texts().filter(({ text }) => /(^|[.!?:]\s+)\{\{name\b/.test(text));
    expect(startsWithName.map((s) => `${s.where}: ${s.text}`)).toEqual([]);
  });
});
