import { describe, expect, it } from "vitest";
import type { RecordSection } from "../../db/schema/vocabulary";
import { notApplied, parseSectionFilters } from "./filters.server";

const parse = (query: string, section: RecordSection | null = "notes") => parseSectionFilters(new URLSearchParams(query), section);

describe("parseSectionFilters", () => {
  it("no filters in the address: page 1, nothing else, nothing wrong", () => {
    expect(parse("")).toEqual({ filters: { page: 1 }, typed: {}, errors: {} });
    expect(parse("other=1&from=&q=%20")).toEqual({ filters: { page: 1 }, typed: {}, errors: {} });
  });

  it("reads the filters given", () => {
    expect(parse("from=2026-01-01&to=2026-02-28&provider=region&q=ont%20i%20halsen&page=3")).toEqual({
      filters: { from: "2026-01-01", to: "2026-02-28", provider: "region", q: "ont i halsen", page: 3 },
      typed: { from: "2026-01-01", to: "2026-02-28", q: "ont i halsen" },
      errors: {},
    });
    expect(parse("from=2026-03-01&to=2026-03-01").filters).toMatchObject({ from: "2026-03-01", to: "2026-03-01" });
    expect(parse("status=earlier", "medications").filters.status).toBe("earlier");
  });

  it("names an impossible or malformed date at its field, keeps what was typed, and applies the rest", () => {
    const { filters, typed, errors } = parse("from=2026-13-45&to=2026-02-28&provider=region");
    expect(filters).toEqual({ to: "2026-02-28", provider: "region", page: 1 });
    expect(typed.from).toBe("2026-13-45");
    expect(errors).toEqual({ from: { key: "common:filterErrors.date" } });
    for (const from of ["2026-02-29", "2026-2-1", "i går", "20260101", "2026-01-01T00:00"]) {
      expect(parse(`from=${encodeURIComponent(from)}`).errors.from, from).toEqual({ key: "common:filterErrors.date" });
    }
    expect(parse("from=2028-02-29").errors).toEqual({});
  });

  it("names a date outside the years a record holds, where the Swedish days are not computed", () => {
    for (const to of ["0001-01-01", "1899-12-31", "3000-01-01", "9999-12-31"]) {
      const { filters, errors } = parse(`to=${to}`);
      expect(filters.to, to).toBeUndefined();
      expect(errors.to, to).toEqual({ key: "common:filterErrors.dateYears", values: { first: "1900", last: "2999" } });
    }
  });

  it("names an end before the start at the end, and applies neither date", () => {
    const { filters, typed, errors } = parse("from=2026-03-31&to=2026-03-01");
    expect(filters).toEqual({ page: 1 });
    expect(typed).toEqual({ from: "2026-03-31", to: "2026-03-01" });
    expect(errors).toEqual({ to: { key: "common:filterErrors.toBeforeFrom" } });
  });

  it("names a search over the limit with the limit and its length, keeps it in the field, and does not search", () => {
    const long = "ö".repeat(101);
    const { filters, typed, errors } = parse(`q=${encodeURIComponent(long)}`);
    expect(filters.q).toBeUndefined();
    expect(typed.q).toBe(long);
    expect(errors.q).toEqual({ key: "common:filterErrors.tooLong", values: { max: 100, length: 101 } });
    expect(parse(`q=${"a".repeat(100)}`).filters.q).toHaveLength(100);
  });

  it("names a provider or a status that is not one", () => {
    expect(parse("provider=%3Cscript%3E").errors).toEqual({ provider: { key: "record:filters.errors.provider" } });
    expect(parse("provider=%3Cscript%3E").filters.provider).toBeUndefined();
    const status = parse("status=all", "medications");
    expect(status.filters.status).toBeUndefined();
    expect(status.errors).toEqual({ status: { key: "record:filters.errors.status" } });
  });

  it("names a page that is not a whole number from 1, and shows the first", () => {
    for (const page of ["0", "-1", "1.5", "abc", "1e3", "10001"]) {
      const read = parse(`page=${page}`);
      expect(read.filters.page, page).toBe(1);
      expect(read.errors, page).toEqual({ page: { key: "common:filterErrors.page" } });
    }
    expect(parse("page=10000").filters.page).toBe(10_000);
  });

  it("reads the search on notes only and the status on medications only (both on the whole record's printout)", () => {
    expect(parse("q=astma&status=bogus", "diagnoses")).toEqual({ filters: { page: 1 }, typed: {}, errors: {} });
    expect(parse("q=astma&status=current", null).filters).toMatchObject({ q: "astma", status: "current" });
  });
});

describe("notApplied", () => {
  it("names a provider the section does not offer, and a page past the list's end with its last page", () => {
    expect(notApplied({ provider: "u-9", page: 1 }, { page: 1 })).toEqual({ provider: { key: "record:filters.errors.provider" } });
    expect(notApplied({ page: 999 }, { page: 3 })).toEqual({ page: { key: "common:filterErrors.pastEnd", values: { page: 999, last: 3, count: 3 } } });
    expect(notApplied({ provider: "region", page: 2 }, { provider: "region", page: 2 })).toEqual({});
  });
});
