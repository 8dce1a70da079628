import { describe, expect, it } from "vitest";
import { parseSectionFilters, sectionFilterSchema } from "./filters.server";

describe("parseSectionFilters", () => {
  it("no filters in the address: the schema's own answer for none", () => {
    expect(parseSectionFilters(new URLSearchParams())).toEqual(sectionFilterSchema.parse({}));
    expect(parseSectionFilters(new URLSearchParams("other=1")).page).toBe(1);
  });

  it("reads the filters given, and drops a malformed one instead of failing", () => {
    const filters = parseSectionFilters(new URLSearchParams("from=2026-01-01&to=2026-02-30&provider=region&page=3"));
    expect(filters).toMatchObject({ from: "2026-01-01", to: undefined, provider: "region", page: 3 });
  });

  it("hands out a fresh object each time: a caller changing it changes nobody else's", () => {
    const a = parseSectionFilters(new URLSearchParams());
    a.page = 7;
    expect(parseSectionFilters(new URLSearchParams()).page).toBe(1);
  });
});
