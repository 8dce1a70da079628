import { describe, expect, it } from "vitest";
import { isProtectedIdentity, nationalIds, normalizeNationalId } from "./identifiers";
import { findJsonError } from "./json-position";
import { identifierReference, resolveReference } from "./references";
import { narrativeText } from "./text";
import { validateResource } from "./validate";
import { compareVersions, instantMicros, parseVersionId, versionFromEtag } from "./versions";

describe("versions", () => {
  it("reads versionId as a number, or null", () => {
    expect(parseVersionId("10")).toBe(10);
    expect(parseVersionId(" 7 ")).toBe(7);
    expect(parseVersionId("v2")).toBeNull();
    expect(parseVersionId("99999999999999999999")).toBeNull();
    expect(parseVersionId(undefined)).toBeNull();
    expect(versionFromEtag('W/"3"')).toBe(3);
    expect(versionFromEtag('"12"')).toBe(12);
  });

  it("orders by versionId numerically, then lastUpdated to the microsecond; absent is oldest", () => {
    const v = (versionId: number | null, lastUpdated: string | null = null) => ({ versionId, lastUpdated });
    expect(compareVersions(v(10), v(9))).toBeGreaterThan(0);
    expect(compareVersions(v(null), v(0))).toBeLessThan(0);
    expect(compareVersions(v(2, "2024-01-01T00:00:00Z"), v(2, "2024-01-01T01:00:00+01:00"))).toBe(0);
    expect(compareVersions(v(2, "2024-01-01T00:00:00.0000015Z"), v(2, "2024-01-01T00:00:00.000001Z"))).toBeGreaterThan(0);
    expect(compareVersions(v(2, "2024-01-01T00:00:00Z"), v(2))).toBeGreaterThan(0);
    expect(compareVersions(v(1, "2030-01-01T00:00:00Z"), v(2, "2020-01-01T00:00:00Z"))).toBeLessThan(0);
    expect(instantMicros("2024-01-01T00:00:00.1234567Z")! % 1_000_000).toBe(123457);
  });
});

describe("identifiers", () => {
  it("accepts both personnummer systems and every written form, and checks the Luhn digit", () => {
    expect(normalizeNationalId("19800101-9986")).toBe("198001019986");
    expect(normalizeNationalId("800101-9986")).toBe("198001019986");
    expect(normalizeNationalId("8001019986")).toBe("198001019986");
    expect(normalizeNationalId("198001019987")).toBeNull();
    expect(normalizeNationalId("19800101-99")).toBeNull();
    const ids = nationalIds([
      { system: "http://electronichealth.se/identifier/personnummer", value: "19800101-9986" },
      { system: "urn:oid:1.2.752.129.2.1.3.3", value: "196109732393" },
    ]);
    expect(ids).toEqual({ personnummer: "198001019986", samordningsnummer: "196109732393", invalidIndex: null });
    expect(nationalIds([{ system: "urn:oid:1.2.752.129.2.1.3.1", value: "198001019987" }]).invalidIndex).toBe(0);
  });

  it("sees protected identity in meta.security, whatever the spelling", () => {
    expect(isProtectedIdentity({ security: [{ code: "sekretessmarkering" }] })).toBe(true);
    expect(isProtectedIdentity({ security: [{ system: "http://hl7.se/fhir/ig/base/CodeSystem/SecurityLabel", code: "skyddadFolkbokforing" }] })).toBe(true);
    expect(isProtectedIdentity({ security: [{ code: "skyddad-folkbokföring" }] })).toBe(true);
    expect(isProtectedIdentity({ security: [{ system: "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", code: "R" }] })).toBe(true);
    expect(isProtectedIdentity({ security: [{ system: "http://terminology.hl7.org/CodeSystem/v3-ActCode", code: "DEMO" }] })).toBe(false);
    expect(isProtectedIdentity(undefined)).toBe(false);
  });
});

describe("references", () => {
  const fullUrls = new Map([
    ["urn:uuid:1", { type: "Patient", id: "p1" }],
    ["https://fhir.example.se/Patient/abc", { type: "Patient", id: "other-id" }],
  ]);

  it("resolves every form the feed takes", () => {
    expect(resolveReference({ reference: "urn:uuid:1" }, fullUrls)).toEqual({ ref: "Patient/p1", type: "Patient", id: "p1" });
    expect(resolveReference({ reference: "urn:uuid:2" }, fullUrls)).toEqual({ ref: "urn:uuid:2", type: null, id: null });
    expect(resolveReference({ reference: "Patient/p9/_history/4" }, fullUrls)).toEqual({ ref: "Patient/p9", type: "Patient", id: "p9" });
    expect(resolveReference({ reference: "https://x.se/fhir/r4/Organization/o1" }, fullUrls)).toEqual({ ref: "Organization/o1", type: "Organization", id: "o1" });
    expect(resolveReference({ reference: "https://fhir.example.se/Patient/abc" }, fullUrls)?.id).toBe("other-id");
    expect(resolveReference({ reference: "#med" }, fullUrls)).toBeNull();
    expect(resolveReference({ display: "Dr X" }, fullUrls)).toBeNull();
    expect(resolveReference({ identifier: { system: "http://electronichealth.se/identifier/personnummer", value: "19800101-9986" } }, fullUrls, "Patient")).toEqual({
      ref: "Patient?identifier=urn:oid:1.2.752.129.2.1.3.1|198001019986",
      type: "Patient",
      id: null,
    });
    expect(resolveReference({ reference: "Organization?identifier=urn:oid:1.2.752.29.4.19|SE123" }, fullUrls)?.ref).toBe(
      "Organization?identifier=urn:oid:1.2.752.29.4.19|SE123",
    );
    expect(identifierReference("Patient", { system: "urn:oid:1.2.752.129.2.1.3.1", value: "not a number" })).toBeNull();
  });
});

describe("validation", () => {
  it("names the path of the first problem and lets everything else pass", () => {
    const ok = { resourceType: "Observation", id: "o1", status: "final", code: { text: "Hb" }, subject: { reference: "Patient/p" }, extraThing: [1, 2] };
    expect(validateResource("Observation", ok)).toBeNull();
    expect(validateResource("Observation", { ...ok, id: "has space" })?.path).toBe("Observation.id");
    expect(validateResource("Observation", { ...ok, code: undefined })?.path).toBe("Observation.code");
    expect(validateResource("Observation", { ...ok, effectiveDateTime: "2024-02-30" })?.path).toBe("Observation.effectiveDateTime");
    expect(validateResource("Observation", { ...ok, effectiveDateTime: "2024-02-03T10:00:00" })?.path).toBe("Observation.effectiveDateTime");
    expect(validateResource("Observation", { ...ok, effectiveDateTime: "2024-02-03T10:00:00+01:00" })).toBeNull();
    expect(validateResource("Observation", { ...ok, interpretation: [{ coding: [{ code: 5 }] }] })?.path).toBe("Observation.interpretation[0].coding[0].code");
    expect(validateResource("Slot", { resourceType: "Slot", id: "s", schedule: { reference: "Schedule/1" }, status: "free", start: "2026-01-01" })?.path).toBe("Slot.start");
  });
});

describe("text", () => {
  it("turns narrative XHTML into lines of plain text", () => {
    expect(narrativeText('<div xmlns="http://www.w3.org/1999/xhtml"><p>Patienten m&#229;r bra.</p><p>Kontroll om 3&nbsp;m&aring;n<br/>Vid behov &lt;tidigare&gt;</p></div>')).toBe(
      "Patienten mår bra.\nKontroll om 3 mån\nVid behov <tidigare>",
    );
  });
});

describe("JSON error positions", () => {
  it("finds the line and column where JSON goes wrong, including where JSON.parse names no position", () => {
    expect(findJsonError('{"a": 1}')).toBeNull();
    expect(findJsonError('{\n  "a": tru }')).toMatchObject({ line: 2, column: 8 });
    expect(findJsonError('{"a": 1,}')).toMatchObject({ position: 8, message: "Expected a double-quoted property name" });
    expect(findJsonError('{"a": [1, 2')).toMatchObject({ message: "Unexpected end of input: expected ',' or ']'" });
    expect(findJsonError('"\u0001"')?.message).toMatch(/Control character/);
    expect(findJsonError("[1] 2")?.message).toBe("Unexpected text after the JSON value");
    expect(findJsonError("[".repeat(100_000))?.message).toMatch(/end of input/);
  });
});
