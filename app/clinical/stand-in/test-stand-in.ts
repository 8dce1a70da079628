import { generateKeyPairSync, randomUUID } from "node:crypto";
import type { HealthcareService, Patient, Slot } from "@medplum/fhirtypes";
import { SignJWT } from "jose";
import { createClinicalClient, type ClinicalClient } from "../client.server";
import { DEFAULT_CLINICAL_SCOPES, parseSigningKey, publicJwk, type ClinicalSettings, type SigningKey } from "../settings.server";
import { startClinicalStandIn, type ClinicalStandIn, type ClinicalStandInOptions } from "./stand-in.server";

/** For the stand-in's tests: a stand-in on port 0 and the portal's own client, registered with a fresh ES384 key. */

export const CLIENT_ID = "portal";
/** Everything the tests touch: the portal's defaults, Practitioner and HealthcareService besides. */
export const TEST_SCOPES = [...DEFAULT_CLINICAL_SCOPES, "system/HealthcareService.read", "system/Immunization.read"];

export function newSigningKey(): SigningKey {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-384" });
  return parseSigningKey(JSON.stringify({ ...privateKey.export({ format: "jwk" }), kid: `portal-${randomUUID().slice(0, 8)}` }));
}

export interface TestStandIn {
  standIn: ClinicalStandIn;
  client: ClinicalClient;
  settings: ClinicalSettings;
  signingKey: SigningKey;
}

export async function startTestStandIn(options: Partial<ClinicalStandInOptions> = {}, scopes: readonly string[] = TEST_SCOPES): Promise<TestStandIn> {
  const standIn = await startClinicalStandIn({ port: 0, nodeEnv: "test", demo: { patients: 3 }, ...options });
  const signingKey = newSigningKey();
  standIn.registerClient(CLIENT_ID, publicJwk(signingKey));
  const settings: ClinicalSettings = { fhirBase: standIn.fhirBase, tokenUrl: standIn.tokenUrl, clientId: CLIENT_ID, signingKey, scopes, timeoutMs: 5000 };
  return { standIn, client: createClinicalClient(settings, { retry: { retries: 0, maxWaitMs: 0 } }), settings, signingKey };
}

/** A client assertion as the token endpoint wants it, with whatever the test changes. */
export function assertion(
  key: SigningKey,
  tokenUrl: string,
  overrides: { iss?: string; sub?: string; aud?: string; jti?: string; expInSeconds?: number; kid?: string } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: key.alg, kid: overrides.kid ?? key.kid, typ: "JWT" })
    .setIssuer(overrides.iss ?? CLIENT_ID)
    .setSubject(overrides.sub ?? CLIENT_ID)
    .setAudience(overrides.aud ?? tokenUrl)
    .setJti(overrides.jti ?? randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(now + (overrides.expInSeconds ?? 240))
    .sign(key.key);
}

export async function tokenRequest(tokenUrl: string, form: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(tokenUrl, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(form).toString() });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The window of the coming days in which the demo has slots (the catalogue's SLOT_HORIZON_DAYS is 56 days). */
export function slotWindow(fromDays = 1, toDays = 57): [string, string][] {
  const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
  return [
    ["start", `ge${day(fromDays)}`],
    ["start", `lt${day(toDays)}`],
  ];
}

export async function freeSlots(client: ClinicalClient, serviceType = "provtagning", count = 2): Promise<Slot[]> {
  const bundle = await client.search("Slot", [["service-type", serviceType], ...slotWindow(), ["_count", String(count)]]);
  return (bundle.entry ?? []).map((e) => e.resource as Slot);
}

/**
 * What a test or a benchmark can write to, found through the FHIR API as the portal would: the living patients, the
 * care units' group inboxes (the units that provide appointment types), and the free slots of every appointment type
 * in the coming weeks, soonest first.
 */
export async function writeTargets(client: ClinicalClient): Promise<{ patientIds: string[]; groupInboxIds: string[]; slots: { id: string; start: string }[] }> {
  const patients = (await client.searchAll("Patient", { _lastUpdated: "ge2000-01-01" })) as Patient[];
  const services = (await client.searchAll("HealthcareService", {})) as HealthcareService[];
  const codes = new Set(services.flatMap((s) => (s.type ?? []).flatMap((t) => (t.coding ?? []).map((c) => c.code))).filter((c): c is string => !!c));
  const slots = new Map<string, { id: string; start: string }>();
  for (const code of codes) {
    for (const slot of (await client.searchAll("Slot", [["service-type", code], ...slotWindow()])) as Slot[]) slots.set(slot.id!, { id: slot.id!, start: slot.start });
  }
  return {
    patientIds: [...new Set(patients.filter((p) => !p.deceasedBoolean && !p.deceasedDateTime).map((p) => p.id!))],
    groupInboxIds: [...new Set(services.map((s) => s.providedBy?.reference?.split("/")[1]).filter((id): id is string => !!id))],
    slots: [...slots.values()].sort((a, b) => a.start.localeCompare(b.start)),
  };
}
