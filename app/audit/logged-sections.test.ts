import { describe, expect, it } from "vitest";
import { resources } from "~/locales";
import { loggedSections } from "./access-log.server";

describe("what the access log names", () => {
  it.each(["sv", "en"] as const)("has a text for every section it can name, and for a name it does not know (%s)", (lng) => {
    const texts = resources[lng].account.accessLog.sections as Record<string, string>;
    for (const section of [...loggedSections, "other"]) expect(texts[section], section).toBeTruthy();
  });
});
