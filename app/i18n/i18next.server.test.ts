import i18next, { type i18n } from "i18next";
import { describe, expect, it, vi } from "vitest";
import { resources } from "~/locales";
import { i18nOptions, languages } from "./config";
import { rememberTranslations } from "./i18next.server";

function instanceFor(lng: string, remember: boolean): i18n {
  const instance = i18next.createInstance();
  void instance.init({ ...i18nOptions, lng });
  if (remember) rememberTranslations(instance);
  return instance;
}

/** Every key of a namespace with its text, as "a.b.c". */
function keysOf(tree: Record<string, unknown>, prefix = ""): [string, string][] {
  return Object.entries(tree).flatMap(([k, v]) =>
    typeof v === "string" ? [[`${prefix}${k}`, v] as [string, string]] : keysOf(v as Record<string, unknown>, `${prefix}${k}.`),
  );
}

describe("remembered translations", () => {
  it("give the same text as i18next for every key of every namespace, plain and with values, in both languages", () => {
    let compared = 0;
    for (const lng of languages) {
      const remembering = instanceFor(lng, true);
      const pristine = instanceFor(lng, false);
      for (const [ns, tree] of Object.entries(resources[lng])) {
        const t = remembering.getFixedT(lng, ns);
        const expected = pristine.getFixedT(lng, ns);
        for (const [key, text] of keysOf(tree as Record<string, unknown>)) {
          expect(t(key)).toBe(expected(key));
          const names = [...text.matchAll(/{{\s*([^}]+?)\s*}}/g)].map((m) => m[1] as string);
          if (names.length === 0) continue;
          const values = Object.fromEntries(names.map((n, i) => [n, i % 2 === 0 ? `«${n}»` : i + 0.5]));
          expect(t(key, values)).toBe(expected(key, values));
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(10);
  });

  it("resolve a plain key once per language and namespace", () => {
    const instance = instanceFor("sv", true);
    const translator = (instance as unknown as { translator: { translate: (...args: unknown[]) => unknown } }).translator;
    const resolve = vi.spyOn(translator, "translate");
    const sv = instance.getFixedT("sv", "record");
    const en = instance.getFixedT("en", "record");
    const texts = [sv("entry.date"), sv("entry.date"), en("entry.date"), en("entry.date"), sv("entry.unit")];
    expect(texts[0]).not.toBe(texts[2]);
    expect(texts[0]).toBe(texts[1]);
    expect(resolve).toHaveBeenCalledTimes(3);
    // react-i18next asks with no language: the instance's own.
    expect(instance.getFixedT(null, "record")("entry.date")).toBe(texts[0]);
  });

  it("fill a template with each call's values, and leave counts, missing values and options to i18next", () => {
    const t = instanceFor("en", true).getFixedT("en", "record");
    const expected = instanceFor("en", false).getFixedT("en", "record");
    expect(t("range.between", { low: "1", high: "2" })).toContain("1");
    expect(t("range.between", { low: "3", high: "4" })).toContain("3");
    for (const options of [{ count: 1, n: "1" }, { count: 7, n: "7" }]) {
      expect(t("trend.valueCount", options)).toBe(expected("trend.valueCount", options));
    }
    expect(t("range.between", { low: "1" })).toBe(expected("range.between", { low: "1" }));
    expect(t("range.between", { low: "1", high: "2", lng: "sv" })).toBe(expected("range.between", { low: "1", high: "2", lng: "sv" }));
    expect(t("entry.date", { defaultValue: "x" })).toBe(expected("entry.date", { defaultValue: "x" }));
  });
});
