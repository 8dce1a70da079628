import type { ServerResponse } from "node:http";
import type { Bundle } from "@medplum/fhirtypes";
import { afterEach, describe, expect, it } from "vitest";
import { createClinicalClient } from "./client.server";
import { ClinicalError } from "./http.server";
import { json, manualClock, settingsFor, startClinicalSystem, startTestServer, type RecordedRequest, type TestServer } from "./test-clinical-system";

const open: TestServer[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function clinicalSystem(api: (request: RecordedRequest, response: ServerResponse, token: string | undefined) => unknown) {
  const system = await startClinicalSystem({ api });
  open.push(system);
  return system;
}

const patient = { resourceType: "Patient", id: "1" };
const apiCalls = (system: { apiRequests(): RecordedRequest[] }) => system.apiRequests().length;

describe("a request to the clinical system", () => {
  it("ends at its timeout with a ClinicalError of kind timeout", async () => {
    const system = await clinicalSystem(async (_request, response) => {
      await new Promise((r) => setTimeout(r, 6000));
      json(response, 200, patient);
    });
    // Long enough for the token request on a busy machine; the API's answer takes far longer.
    const client = createClinicalClient(settingsFor(system, { timeoutMs: 1500 }));

    const started = Date.now();
    const error = await client.read("Patient", "1").catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ClinicalError);
    expect(error).toMatchObject({ kind: "timeout" });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("ends at its timeout when the answer stalls halfway through its body", async () => {
    const system = await clinicalSystem((_request, response) => {
      response.writeHead(200, { "content-type": "application/fhir+json" });
      response.write('{"resourceType":"Patient",');
    });
    const client = createClinicalClient(settingsFor(system, { timeoutMs: 1500 }));

    await expect(client.read("Patient", "1")).rejects.toMatchObject({ kind: "timeout" });
  });

  it("waits out a 429's Retry-After in seconds and tries again", async () => {
    const system = await clinicalSystem((_request, response) =>
      apiCalls(system) === 1 ? json(response, 429, {}, { "retry-after": "1" }) : json(response, 200, patient),
    );
    const client = createClinicalClient(settingsFor(system));

    const started = Date.now();
    const { resource } = await client.read("Patient", "1");

    expect(resource).toEqual(patient);
    expect(apiCalls(system)).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it("waits out a 503's Retry-After given as an HTTP date", async () => {
    const clock = manualClock(Date.UTC(2026, 11, 6, 12, 0, 0));
    const system = await clinicalSystem((_request, response) =>
      apiCalls(system) === 1 ? json(response, 503, {}, { "retry-after": "Sun, 06 Dec 2026 12:00:07 GMT" }) : json(response, 200, patient),
    );
    const client = createClinicalClient(settingsFor(system), { clock });

    await client.read("Patient", "1");

    expect(clock.sleeps).toEqual([7000]);
    expect(apiCalls(system)).toBe(2);
  });

  it("gives up after the allowed number of tries, with the status and the wait asked for", async () => {
    const clock = manualClock();
    const system = await clinicalSystem((_request, response) => json(response, 429, {}, { "retry-after": "2" }));
    const client = createClinicalClient(settingsFor(system), { clock, retry: { retries: 2, maxWaitMs: 30_000 } });

    const error = await client.read("Patient", "1").catch((e: unknown) => e);

    expect(error).toMatchObject({ kind: "status", status: 429, retryAfterMs: 2000 });
    expect(apiCalls(system)).toBe(3);
    expect(clock.sleeps).toEqual([2000, 2000]);
  });

  it("does not wait longer than allowed: the error carries the Retry-After for the caller's schedule", async () => {
    const clock = manualClock();
    const system = await clinicalSystem((_request, response) => json(response, 503, {}, { "retry-after": "600" }));
    const client = createClinicalClient(settingsFor(system), { clock });

    await expect(client.read("Patient", "1")).rejects.toMatchObject({ status: 503, retryAfterMs: 600_000 });
    expect(clock.sleeps).toEqual([]);
    expect(apiCalls(system)).toBe(1);
  });

  it("does not repeat a create after a 503, which may have come after the write: it may have happened", async () => {
    const clock = manualClock();
    const system = await clinicalSystem((_request, response) => json(response, 503, {}, { "retry-after": "1" }));
    const client = createClinicalClient(settingsFor(system), { clock });

    await expect(client.create({ resourceType: "Appointment", status: "booked", participant: [] })).rejects.toMatchObject({ status: 503, retryAfterMs: 1000 });
    expect(apiCalls(system)).toBe(1);
  });

  it("fails with the status and the clinical system's OperationOutcome", async () => {
    const outcome = { resourceType: "OperationOutcome", issue: [{ severity: "error", code: "business-rule", diagnostics: "Slot is busy" }] };
    const system = await clinicalSystem((_request, response) => json(response, 422, outcome));
    const client = createClinicalClient(settingsFor(system));

    await expect(client.create({ resourceType: "Appointment", status: "booked", participant: [] })).rejects.toMatchObject({ kind: "status", status: 422, outcome });
  });

  it("is a ClinicalError of kind network when nothing listens", async () => {
    const system = await clinicalSystem((_request, response) => json(response, 200, patient));
    const closed = await startTestServer(() => {});
    await closed.close();
    const client = createClinicalClient({ ...settingsFor(system), fhirBase: `${closed.origin}/fhir` });

    await expect(client.read("Patient", "1")).rejects.toMatchObject({ kind: "network", code: "ECONNREFUSED" });
  });
});

describe("the client's methods", () => {
  it("follows a search's next links to the last page", async () => {
    const system = await clinicalSystem((request, response) => {
      const page = Number(new URL(request.url, system.origin).searchParams.get("page") ?? "1");
      const bundle: Bundle = {
        resourceType: "Bundle",
        type: "searchset",
        entry: [{ resource: { resourceType: "Observation", id: `o${page}`, status: "final", code: {} } }],
        link: page < 3 ? [{ relation: "next", url: `${system.fhirBase}/Observation?page=${page + 1}&patient=p1` }] : [],
      };
      json(response, 200, bundle);
    });
    const client = createClinicalClient(settingsFor(system));

    const resources = await client.searchAll("Observation", { patient: "p1", _lastUpdated: ["ge2026-01-01", "lt2026-02-01"] });

    expect(resources.map((r) => r.id)).toEqual(["o1", "o2", "o3"]);
    expect(system.apiRequests().map((r) => r.url)).toEqual([
      "/fhir/Observation?patient=p1&_lastUpdated=ge2026-01-01&_lastUpdated=lt2026-02-01",
      "/fhir/Observation?page=2&patient=p1",
      "/fhir/Observation?page=3&patient=p1",
    ]);
  });

  it("does not send the token to a next link on another host", async () => {
    const elsewhere = await startTestServer((_request, response) => json(response, 200, { resourceType: "Bundle", type: "searchset" }));
    open.push(elsewhere);
    const system = await clinicalSystem((_request, response) =>
      json(response, 200, { resourceType: "Bundle", type: "searchset", link: [{ relation: "next", url: `${elsewhere.origin}/Observation?page=2` }] }),
    );
    const client = createClinicalClient(settingsFor(system));

    await expect(client.searchAll("Observation")).rejects.toMatchObject({ kind: "protocol" });
    expect(elsewhere.requests).toEqual([]);
  });

  it("creates as Millennium answers: 201, Location and ETag, and an empty body", async () => {
    const system = await clinicalSystem((_request, response) => {
      response.writeHead(201, { location: `${system.fhirBase}/Appointment/4047611`, etag: 'W/"0"' }).end();
    });
    const client = createClinicalClient(settingsFor(system));
    const appointment = { resourceType: "Appointment" as const, status: "booked" as const, slot: [{ reference: "Slot/4047611-32216049-61518614-0" }], participant: [] };

    const result = await client.create(appointment);

    expect(result).toEqual({ status: 201, location: `${system.fhirBase}/Appointment/4047611`, id: "4047611", versionId: "0", etag: 'W/"0"', resource: undefined });
    const [sent] = system.apiRequests();
    expect(sent).toMatchObject({ method: "POST", url: "/fhir/Appointment", body: JSON.stringify(appointment) });
    expect(sent?.headers["content-type"]).toBe("application/fhir+json");
  });

  it("patches with JSON Patch and If-Match", async () => {
    const system = await clinicalSystem((_request, response) => {
      response.writeHead(200, { etag: 'W/"2"' }).end();
    });
    const client = createClinicalClient(settingsFor(system));
    const operations = [{ op: "replace" as const, path: "/status", value: "cancelled" }];

    const result = await client.patch("Appointment", "4047611", operations, { ifMatch: 'W/"1"' });

    expect(result).toMatchObject({ status: 200, etag: 'W/"2"', versionId: "2" });
    const [sent] = system.apiRequests();
    expect(sent).toMatchObject({ method: "PATCH", url: "/fhir/Appointment/4047611", body: JSON.stringify(operations) });
    expect(sent?.headers["content-type"]).toBe("application/json-patch+json");
    expect(sent?.headers["if-match"]).toBe('W/"1"');
  });

  it("reads JSON that is not FHIR (the Messages API) with the token", async () => {
    const system = await clinicalSystem((_request, response, token) => json(response, token ? 200 : 401, { items: [{ id: "m1" }] }));
    const client = createClinicalClient(settingsFor(system));

    const body = await client.getJson<{ items: { id: string }[] }>("patientMessages/inboxItems", { patientId: "12724066" });

    expect(body.items[0]?.id).toBe("m1");
    expect(system.apiRequests()[0]?.url).toBe("/fhir/patientMessages/inboxItems?patientId=12724066");
  });

  it("downloads a Bulk file through its redirect without sending the token to the pre-signed URL", async () => {
    const storage = await startTestServer((_request, response) => {
      response.writeHead(200, { "content-type": "application/fhir+ndjson" }).end('{"resourceType":"Patient","id":"1"}\n');
    });
    open.push(storage);
    const system = await clinicalSystem((_request, response, token) => {
      if (!token) return json(response, 401, {});
      response.writeHead(307, { location: `${storage.origin}/export/file-1.ndjson?X-Amz-Signature=abc` }).end();
    });
    const client = createClinicalClient(settingsFor(system));

    const response = await client.download(`${system.fhirBase}/Binary/export-file-1`, { requiresAccessToken: true });

    expect(await response.text()).toBe('{"resourceType":"Patient","id":"1"}\n');
    expect(system.apiRequests()[0]?.headers.authorization).toBe("Bearer token-1");
    expect(storage.requests).toHaveLength(1);
    expect(storage.requests[0]?.url).toBe("/export/file-1.ndjson?X-Amz-Signature=abc");
    expect(storage.requests[0]?.headers.authorization).toBeUndefined();
  });

  it("downloads without the token at all when the export manifest says none is required", async () => {
    const storage = await startTestServer((_request, response) => response.writeHead(200).end("{}\n"));
    open.push(storage);
    const system = await clinicalSystem((_request, response) => json(response, 200, {}));
    const client = createClinicalClient(settingsFor(system));

    await (await client.download(`${storage.origin}/file.ndjson`, { requiresAccessToken: false })).text();

    expect(storage.requests[0]?.headers.authorization).toBeUndefined();
    expect(system.tokenRequests()).toHaveLength(0);
  });
});
