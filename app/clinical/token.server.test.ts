import { calculateJwkThumbprint, decodeJwt, exportJWK, jwtVerify } from "jose";
import { afterEach, describe, expect, it } from "vitest";
import { createClinicalClient } from "./client.server";
import { ClinicalError } from "./http.server";
import { parseSigningKey } from "./settings.server";
import { json, manualClock, settingsFor, startClinicalSystem, testKey, type KeyForm, type TestClinicalSystem } from "./test-clinical-system";

const patient = { resourceType: "Patient", id: "1" };
let system: TestClinicalSystem | undefined;

afterEach(async () => {
  await system?.close();
  system = undefined;
});

/** A clinical system whose API answers the Patient to any bearer token. */
async function answering(options: { expiresIn?: number; tokenDelayMs?: number } = {}) {
  system = await startClinicalSystem({ ...options, api: (_request, response, token) => (token ? json(response, 200, patient) : json(response, 401, {})) });
  return system;
}

describe("the SMART Backend Services token", () => {
  it.each<["RS384" | "ES384", KeyForm]>([
    ["RS384", "pem"],
    ["RS384", "jwk"],
    ["ES384", "pem"],
    ["ES384", "jwk"],
  ])("is asked for with client_credentials and a %s assertion from a %s key that the public key verifies", async (alg, form) => {
    const s = await answering();
    const key = testKey(alg, form);
    const client = createClinicalClient(settingsFor(s, { signingKey: parseSigningKey(key.text), scopes: ["system/Slot.read", "system/Appointment.write"] }));

    await client.read("Patient", "1");

    const [form1] = s.tokenRequests();
    expect(s.requests[0]?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(form1?.get("grant_type")).toBe("client_credentials");
    expect(form1?.get("scope")).toBe("system/Slot.read system/Appointment.write");
    expect(form1?.get("client_assertion_type")).toBe("urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
    const assertion = form1?.get("client_assertion") ?? "";
    const { payload, protectedHeader } = await jwtVerify(assertion, key.publicKey, {
      algorithms: [alg],
      issuer: "portal",
      subject: "portal",
      audience: s.tokenUrl,
    });
    expect(protectedHeader.alg).toBe(alg);
    // The kid the JWKS registers: the JWK's own, else the RFC 7638 thumbprint of the public key.
    expect(protectedHeader.kid).toBe(form === "jwk" ? `portal-${alg.toLowerCase()}` : await calculateJwkThumbprint(await exportJWK(key.publicKey)));
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect((payload.exp ?? Infinity) - (payload.iat ?? 0)).toBeLessThanOrEqual(300);
    expect(payload.exp).toBeGreaterThan(Date.now() / 1000);
    expect(s.apiRequests()[0]?.headers.authorization).toBe("Bearer token-1");
  });

  it("is used until shortly before it expires, then renewed with a new assertion", async () => {
    const s = await answering({ expiresIn: 570 });
    const clock = manualClock();
    const client = createClinicalClient(settingsFor(s), { clock });

    await client.read("Patient", "1");
    clock.advance(500_000);
    await client.read("Patient", "1");
    expect(s.issued).toEqual(["token-1"]);

    clock.advance(20_000); // 520 s: within the last minute of the token's 570
    await client.read("Patient", "1");
    expect(s.issued).toEqual(["token-1", "token-2"]);
    expect(s.apiRequests().map((r) => r.headers.authorization)).toEqual(["Bearer token-1", "Bearer token-1", "Bearer token-2"]);
    const [first, second] = s.tokenRequests().map((f) => decodeJwt(f.get("client_assertion") ?? "").jti);
    expect(first).not.toBe(second);
  });

  it("is asked for once by callers at the same moment", async () => {
    const s = await answering({ tokenDelayMs: 150 });
    const client = createClinicalClient(settingsFor(s));

    await Promise.all(Array.from({ length: 5 }, () => client.read("Patient", "1")));

    expect(s.issued).toEqual(["token-1"]);
    expect(s.apiRequests()).toHaveLength(5);
  });

  it("is renewed once after a 401, and the request tried once more with the new one", async () => {
    system = await startClinicalSystem({ api: (_request, response, token) => (token === "token-1" ? json(response, 401, {}) : json(response, 200, patient)) });
    const client = createClinicalClient(settingsFor(system));

    const { resource } = await client.read("Patient", "1");

    expect(resource).toEqual(patient);
    expect(system.issued).toEqual(["token-1", "token-2"]);
    expect(system.apiRequests().map((r) => r.headers.authorization)).toEqual(["Bearer token-1", "Bearer token-2"]);
  });

  it("is renewed only once when the new one is refused too: the 401 is the caller's error", async () => {
    system = await startClinicalSystem({ api: (_request, response) => json(response, 401, { resourceType: "OperationOutcome", issue: [{ severity: "error", code: "login" }] }) });
    const client = createClinicalClient(settingsFor(system));

    const error = await client.read("Patient", "1").catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ClinicalError);
    expect(error).toMatchObject({ kind: "status", status: 401, outcome: { resourceType: "OperationOutcome" } });
    expect(system.issued).toHaveLength(2);
    expect(system.apiRequests()).toHaveLength(2);
  });

  it("is renewed once for 401s to the same token, however they are spread in time", async () => {
    let revoked = false;
    let refusals = 0;
    system = await startClinicalSystem({
      api: async (_request, response, token) => {
        if (!revoked || token !== "token-1") return json(response, 200, patient);
        // The refusals arrive one after another: the later ones after the new token is already in the cache.
        await new Promise((r) => setTimeout(r, 80 * refusals++));
        json(response, 401, {});
      },
    });
    const client = createClinicalClient(settingsFor(system));
    await client.read("Patient", "1");
    revoked = true;

    await Promise.all(Array.from({ length: 4 }, () => client.read("Patient", "1")));

    expect(system.issued).toEqual(["token-1", "token-2"]);
    expect(system.apiRequests().filter((r) => r.headers.authorization === "Bearer token-2")).toHaveLength(4);
  });

  it("is a ClinicalError of kind token when the endpoint refuses the client", async () => {
    system = await startClinicalSystem({
      api: (request, response) =>
        request.url === "/refuse"
          ? response.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ error: "invalid_client", error_description: "unknown kid" }))
          : json(response, 200, patient),
    });
    const client = createClinicalClient(settingsFor({ fhirBase: system.fhirBase, tokenUrl: `${system.origin}/refuse` }));

    const error = await client.read("Patient", "1").catch((e: unknown) => e);

    expect(error).toMatchObject({ kind: "token", status: 401, code: "invalid_client" });
    expect((error as Error).message).toContain("unknown kid");
    expect(system.apiRequests().filter((r) => r.url.startsWith("/fhir"))).toHaveLength(0);
  });
});
