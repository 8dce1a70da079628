import { spawn, type ChildProcess } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

// The real server entry, as `npm start` runs it: start-up, request logs, and a clean stop on SIGTERM.
const root = path.resolve(import.meta.dirname, "../..");

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

interface Running {
  child: ChildProcess;
  out: () => string;
  /** Only what went to stderr: warnings from Node and from libraries, which a newcomer reads as something wrong. */
  err: () => string;
  exited: Promise<number | null>;
}

const started: ChildProcess[] = [];

function startServer(env: Record<string, string>): Running {
  let output = "";
  let errors = "";
  // On the embedded database in a folder of its own, whatever this shell points at: never the checkout's .data.
  const { DATABASE_URL: _server, ...inherited } = process.env;
  const child = spawn(process.execPath, ["--import", "tsx", "app/server/main.ts"], {
    cwd: root,
    env: { ...inherited, LOG_LEVEL: "info", DEMO_DATA: "false", NODE_ENV: "test", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  started.push(child);
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => {
    output += d.toString();
    errors += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, out: () => output, err: () => errors, exited };
}

async function waitForHealth(url: string, running: Running, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      if ((await fetch(`${url}/healthz`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server did not become healthy:\n${running.out()}`);
}

let dataDir: string;

// The build it serves is made once for the whole run (test-build.global.ts).
beforeAll(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), "portal-lifecycle-"));
});

afterAll(() => {
  // A failed assertion must not leave a server running.
  for (const child of started) if (child.exitCode === null) child.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

describe("the server process", () => {
  it("refuses to start on a wrong setting and names it", async () => {
    const running = startServer({ PORT: "not-a-port", PGLITE_DIR: path.join(dataDir, "never") });
    expect(await running.exited).toBe(1);
    expect(running.out()).toMatch(/PORT/);
    expect(running.out()).not.toMatch(/at .*\.ts:\d+/);
  });

  it("refuses to start in production without the region's identity provider", async () => {
    const running = startServer({ NODE_ENV: "production", PGLITE_DIR: path.join(dataDir, "never") });
    expect(await running.exited).toBe(1);
    expect(running.out()).toMatch(/OIDC_ISSUER/);
  });

  it("refuses to start with a clinical-system key it cannot sign with, and does not print the key", async () => {
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const pem = privateKey.export({ format: "pem", type: "pkcs8" }).toString();
    const running = startServer({
      PGLITE_DIR: path.join(dataDir, "never"),
      CLINICAL_FHIR_BASE: "https://fhir.example.se/r4",
      CLINICAL_TOKEN_URL: "https://auth.example.se/token",
      CLINICAL_CLIENT_ID: "portal",
      CLINICAL_PRIVATE_KEY: pem,
    });
    expect(await running.exited).toBe(1);
    expect(running.out()).toMatch(/CLINICAL_PRIVATE_KEY is an EC key on prime256v1: ES384 needs P-384/);
    for (const line of pem.split("\n").slice(1, -2)) expect(running.out()).not.toContain(line);
  });

  it("is built by `npm run build` without a warning", () => {
    expect(inject("buildStderr")).toBe("");
  });

  it("serves on the embedded database, logs JSON lines without query strings, and stops cleanly on SIGTERM, saying nothing on stderr", async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const running = startServer({
      PORT: String(port),
      DEV_IDP_PORT: String(await freePort()),
      DEV_CLINICAL_PORT: String(await freePort()),
      PUBLIC_ORIGIN: url,
      PGLITE_DIR: path.join(dataDir, "pglite"),
    });
    await waitForHealth(url, running);
    expect(await (await fetch(`${url}/healthz`)).json()).toMatchObject({ database: "pglite" });

    const page = await fetch(`${url}/?search=19121212-1212`, { headers: { "Accept-Language": "en" } });
    expect(page.status).toBe(200);
    const document = await page.text();
    expect(document).toContain('<html lang="en"');
    // The route manifest is one file the browser keeps (remix.config.js: no lazy route discovery), not part of each page.
    expect(document).not.toContain("__remixManifest");
    const manifest = /\/build\/manifest-[\w-]+\.js/.exec(document)?.[0];
    expect(manifest).toBeDefined();
    const manifestFile = await fetch(`${url}${manifest}`);
    expect(manifestFile.status).toBe(200);
    expect(manifestFile.headers.get("cache-control")).toContain("immutable");

    const requestLogged = () =>
      running
        .out()
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .some((l) => l.msg === "request" && l.path === "/" && l.status === 200);
    await expect.poll(requestLogged, { timeout: 5000 }).toBe(true);
    expect(running.out()).not.toContain("19121212");

    running.child.kill("SIGTERM");
    expect(await running.exited).toBe(0);
    expect(running.out()).toMatch(/"msg":"stopped"/);
    // With the development identity provider started (no OIDC_ISSUER): oidc-provider 9 warned here on Node 20.
    expect(running.err()).toBe("");
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  }, 120_000);
});
