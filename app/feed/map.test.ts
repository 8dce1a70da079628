import type { Observation } from "@medplum/fhirtypes";
import { describe, expect, it } from "vitest";
import { mapResource } from "./map";

function observation(coding: { system: string; code: string; display?: string }[]): Observation & { id: string } {
  return {
    resourceType: "Observation",
    id: "obs-1",
    status: "final",
    code: { coding },
    subject: { reference: "Patient/p1" },
    effectiveDateTime: "2026-01-02T08:00:00+01:00",
    valueQuantity: { value: 48, unit: "mmol/mol" },
  };
}

function codeOf(o: Observation & { id: string }): unknown {
  const result = mapResource("Observation", o, { fullUrls: undefined });
  if (!result.ok) throw new Error(`not mapped: ${JSON.stringify(result)}`);
  return result.value.columns.code;
}

describe("result codes", () => {
  it("groups a series by its NPU code (named by OID) rather than a local lab code", () => {
    expect(
      codeOf(
        observation([
          { system: "https://lab.example.se/codes", code: "HBA1C-LOCAL" },
          { system: "urn:oid:1.2.208.176.2.1", code: "NPU27300", display: "B-HbA1c" },
        ]),
      ),
    ).toBe("NPU27300");
  });

  it("prefers LOINC when both are sent", () => {
    expect(
      codeOf(
        observation([
          { system: "urn:oid:1.2.208.176.2.1", code: "NPU27300" },
          { system: "http://loinc.org", code: "4548-4" },
        ]),
      ),
    ).toBe("4548-4");
  });
});
