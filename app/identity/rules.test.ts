import { describe, expect, it } from "vitest";
import {
  ageOn,
  birthDateFromIdentityNumber,
  guardianCapabilities,
  guardianRefusal,
  loginRefusal,
  ownCapabilities,
  type GuardianshipFacts,
  type SubjectFacts,
} from "./rules";

const person = (birthDate: string | null, extra: Partial<SubjectFacts> = {}): SubjectFacts => ({
  birthDate,
  deceased: false,
  protectedIdentity: false,
  ...extra,
});
const guardianship = (extra: Partial<GuardianshipFacts> = {}): GuardianshipFacts => ({
  active: true,
  blocked: false,
  periodStart: null,
  periodEnd: null,
  ...extra,
});

describe("ageOn", () => {
  it("goes up on the birthday itself", () => {
    expect(ageOn("2013-05-10", "2026-05-09")).toBe(12);
    expect(ageOn("2013-05-10", "2026-05-10")).toBe(13);
    expect(ageOn("2013-05-10", "2026-05-11")).toBe(13);
  });
  it("counts someone born on 29 February a year older on 1 March in other years", () => {
    expect(ageOn("2012-02-29", "2025-02-28")).toBe(12);
    expect(ageOn("2012-02-29", "2025-03-01")).toBe(13);
    expect(ageOn("2012-02-29", "2024-02-29")).toBe(12);
  });
  it("is null for an unknown or malformed date", () => {
    expect(ageOn(null, "2026-01-01")).toBeNull();
    expect(ageOn("2013-5-1", "2026-01-01")).toBeNull();
  });
});

describe("own capabilities", () => {
  const today = "2026-03-15";
  it("a 12-year-old cannot log in", () => {
    expect(ownCapabilities(person("2013-03-16"), today)).toEqual([]);
    expect(loginRefusal(person("2013-03-16"), today)).toBe("under_13");
  });
  it("from the 13th birthday: booking and messaging, no record", () => {
    expect(ownCapabilities(person("2013-03-15"), today)).toEqual(["book", "message"]);
    expect(loginRefusal(person("2013-03-15"), today)).toBeNull();
    expect(ownCapabilities(person("2010-03-16"), today)).toEqual(["book", "message"]);
  });
  it("from the 16th birthday: everything", () => {
    expect(ownCapabilities(person("2010-03-15"), today)).toEqual(["read_record", "book", "message"]);
    expect(ownCapabilities(person("1950-01-01"), today)).toEqual(["read_record", "book", "message"]);
  });
  it("a deceased person's account is closed", () => {
    expect(ownCapabilities(person("1950-01-01", { deceased: true }), today)).toEqual([]);
    expect(loginRefusal(person("1950-01-01", { deceased: true }), today)).toBe("deceased");
  });
  it("an unknown age gets nothing", () => {
    expect(ownCapabilities(person(null), today)).toEqual([]);
    expect(loginRefusal(person(null), today)).toBe("unknown_age");
  });
  it("a protected identity does not limit the person's own access", () => {
    expect(ownCapabilities(person("1980-01-01", { protectedIdentity: true }), today)).toEqual(["read_record", "book", "message"]);
  });
});

describe("guardian capabilities", () => {
  const child = person("2020-06-01");
  it("full access to a young child", () => {
    expect(guardianCapabilities(child, [guardianship()], "2026-03-15")).toEqual(["read_record", "book", "message"]);
  });
  it("ends on the 13th birthday, not the day after", () => {
    const teen = person("2013-03-15");
    expect(guardianRefusal(teen, [guardianship()], "2026-03-14")).toBeNull();
    expect(guardianRefusal(teen, [guardianship()], "2026-03-15")).toBe("age_13");
    expect(guardianCapabilities(teen, [guardianship()], "2026-03-15")).toEqual([]);
  });
  it("none for a child with protected identity", () => {
    expect(guardianRefusal(person("2020-06-01", { protectedIdentity: true }), [guardianship()], "2026-03-15")).toBe("protected");
  });
  it("none for a blocked guardian, even when another relation in force is not blocked", () => {
    expect(guardianRefusal(child, [guardianship({ blocked: true })], "2026-03-15")).toBe("blocked");
    expect(guardianRefusal(child, [guardianship(), guardianship({ blocked: true })], "2026-03-15")).toBe("blocked");
  });
  it("a block on an ended relation does not count", () => {
    expect(guardianRefusal(child, [guardianship(), guardianship({ blocked: true, active: false })], "2026-03-15")).toBeNull();
  });
  it("none without a relation in force", () => {
    expect(guardianRefusal(child, [], "2026-03-15")).toBe("not_guardian");
    expect(guardianRefusal(child, [guardianship({ active: false })], "2026-03-15")).toBe("not_guardian");
    expect(guardianRefusal(child, [guardianship({ periodEnd: "2026-03-14" })], "2026-03-15")).toBe("not_guardian");
    expect(guardianRefusal(child, [guardianship({ periodEnd: "2026-03-15" })], "2026-03-15")).toBeNull();
    expect(guardianRefusal(child, [guardianship({ periodStart: "2026-03-16" })], "2026-03-15")).toBe("not_guardian");
  });
  it("none for a deceased child or one of unknown age", () => {
    expect(guardianRefusal(person("2020-06-01", { deceased: true }), [guardianship()], "2026-03-15")).toBe("deceased");
    expect(guardianRefusal(person(null), [guardianship()], "2026-03-15")).toBe("unknown_age");
  });
});

describe("birthDateFromIdentityNumber", () => {
  it("reads personnummer and samordningsnummer", () => {
    expect(birthDateFromIdentityNumber("201803152384")).toBe("2018-03-15");
    expect(birthDateFromIdentityNumber("199001752388")).toBe("1990-01-15");
  });
  it("rejects what is not a date", () => {
    expect(birthDateFromIdentityNumber("199002302380")).toBeNull();
    expect(birthDateFromIdentityNumber("19900101-2380")).toBeNull();
    expect(birthDateFromIdentityNumber(null)).toBeNull();
  });
});
