import i18next from "i18next";
import { describe, expect, it, vi } from "vitest";
import { i18nOptions } from "./config";
import { i18nFor, rememberPlainTranslations } from "./i18next.server";

describe("remembered translations", () => {
  it("resolve a plain key once per language and namespace, and give the same texts as i18next", () => {
    const instance = i18next.createInstance();
    void instance.init({ ...i18nOptions, lng: "sv" });
    rememberPlainTranslations(instance);
    const translator = (instance as unknown as { translator: { translate: (...args: unknown[]) => unknown } }).translator;
    const resolve = vi.spyOn(translator, "translate");
    const sv = instance.getFixedT("sv", "record");
    const en = instance.getFixedT("en", "record");
    const texts = [sv("entry.date"), sv("entry.date"), en("entry.date"), en("entry.date"), sv("entry.unit")];
    expect(texts).toEqual([
      i18nFor("sv").getFixedT("sv", "record")("entry.date"),
      i18nFor("sv").getFixedT("sv", "record")("entry.date"),
      i18nFor("en").getFixedT("en", "record")("entry.date"),
      i18nFor("en").getFixedT("en", "record")("entry.date"),
      i18nFor("sv").getFixedT("sv", "record")("entry.unit"),
    ]);
    expect(texts[0]).not.toBe(texts[2]);
    expect(resolve).toHaveBeenCalledTimes(3);
  });

  it("never remember a text with values, a count or another namespace's key under the wrong name", () => {
    const t = i18nFor("en").getFixedT("en", "record");
    const a = t("range.between", { low: "1", high: "2" });
    const b = t("range.between", { low: "3", high: "4" });
    expect(a).toContain("1");
    expect(b).toContain("3");
    expect(i18nFor("en").getFixedT("en", "common")("portal.name")).not.toBe(t("portal.name"));
  });
});
