import { describe, expect, it } from "vitest";
import { keywordPattern } from "./exclusions.server";
import { withheldNotice } from "./visibility.server";

describe("keywords", () => {
  it("match literally, whatever characters they hold", () => {
    const re = new RegExp(keywordPattern(["Tredje person", "a.b", "(x)"]), "i");
    expect(re.test("tredje PERSON ringde")).toBe(true);
    expect(re.test("axb")).toBe(false);
    expect(re.test("a.b")).toBe(true);
    expect(re.test("(x)")).toBe(true);
    expect(re.test("x")).toBe(false);
  });
});

describe("the withheld notice", () => {
  const origin = { unitId: "u1", unitName: "Barnahus", unitPhone: "1", providerId: "p1", providerName: "Regionen", providerPhone: "2" };

  it("never names an excluded unit: its provider, or nobody when it is its own provider", () => {
    expect(withheldNotice("unit", origin)).toEqual({ askName: "Regionen", askPhone: "2" });
    expect(withheldNotice("unit", { ...origin, providerId: "u1" })).toEqual({ askName: null, askPhone: null });
    expect(withheldNotice("unit", { ...origin, providerId: null })).toEqual({ askName: null, askPhone: null });
  });

  it("names the unit of an entry withheld for a keyword", () => {
    expect(withheldNotice("keyword", origin)).toEqual({ askName: "Barnahus", askPhone: "1" });
  });
});
