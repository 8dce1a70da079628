import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { afterEach, describe, expect, it } from "vitest";
import { createClinicalClient } from "../client.server";
import { MESSAGES_PATHS, messageListSchema } from "../millennium";
import { publicJwk } from "../settings.server";
import { CLIENT_ID, newSigningKey, TEST_SCOPES } from "./test-stand-in";

const TSX = "node_modules/.bin/tsx";
const running: ChildProcess[] = [];

afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

function start(env: Record<string, string>): ChildProcess {
  const child = spawn(TSX, ["app/clinical/stand-in/main.ts"], { env: { ...process.env, NODE_ENV: "development", DEV_CLINICAL_PORT: "0", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  running.push(child);
  return child;
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`exited with ${code}`)));
  });
}

async function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(TSX, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, "exit")) as [number | null];
  return { code, stdout, stderr };
}

describe("main.ts, the stand-in as a process", () => {
  it("starts with the demo's 50 patients, prints ready, serves the registered client, takes care-team commands and stops on SIGTERM", async () => {
    const signingKey = newSigningKey();
    const started = Date.now();
    const child = start({ STAND_IN_CLIENT_ID: CLIENT_ID, STAND_IN_CLIENT_JWK: JSON.stringify(publicJwk(signingKey)), STAND_IN_PATIENTS: "50" });
    const ready = JSON.parse(await firstLine(child)) as { ready: boolean; origin: string; fhirBase: string; tokenUrl: string; startupMs: number };
    const readyAfterMs = Date.now() - started;
    console.info(`stand-in process ready after ${readyAfterMs} ms (its own start-up ${ready.startupMs} ms, cast + 50 patients)`);
    expect(ready).toMatchObject({ ready: true, origin: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) as unknown });
    expect(readyAfterMs).toBeLessThan(15_000);

    const client = createClinicalClient({ fhirBase: ready.fhirBase, tokenUrl: ready.tokenUrl, clientId: CLIENT_ID, signingKey, scopes: TEST_SCOPES, timeoutMs: 5000 });
    expect((await client.read("Patient", "20000049")).resource.id).toBe("20000049");

    const port = new URL(ready.origin).port;
    const sent = await run(["app/cli/clinical-care-team.ts", "send", "10000001", "Kallelse", "Välkommen på återbesök.", "--unit", "3000001"], { DEV_CLINICAL_PORT: port });
    expect(sent.code).toBe(0);
    expect(sent.stdout).toMatch(/sent a message to patient 10000001/);
    const inbox = messageListSchema.parse(await client.getJson(MESSAGES_PATHS.inboxItems, { patientId: "10000001" }));
    expect(inbox.items[0]?.subject).toBe("Kallelse");
    const refused = await run(["app/cli/clinical-care-team.ts", "cancel", "no-such-appointment"], { DEV_CLINICAL_PORT: port });
    expect(refused.code).toBe(1);

    child.kill("SIGTERM");
    const [code] = (await once(child, "exit")) as [number | null];
    expect(code).toBe(0);
  }, 60_000);

  it("refuses NODE_ENV=production with a clear message", async () => {
    const { code, stderr } = await run(["app/clinical/stand-in/main.ts"], { NODE_ENV: "production", DEV_CLINICAL_PORT: "0" });
    expect(code).toBe(1);
    expect(stderr).toMatch(/never runs with NODE_ENV=production/);
  }, 30_000);
});
