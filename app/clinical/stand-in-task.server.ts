import { spawn, type ChildProcess } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import path from "node:path";
import { createInterface } from "node:readline";
import type { StartupTask } from "~/startup-task";
import { logger } from "~/utils/logger";
import { DEMO_EXTRA_PATIENTS, peopleLoadedAt } from "~/feed/demo/load.server";
import { registerDevelopmentClinicalSystem } from "./connection.server";
import { parseSigningKey, publicJwk, type SigningKey } from "./settings.server";

/** The client the portal is registered as in the stand-in. */
export const STAND_IN_CLIENT_ID = "portal-development";
const READY_WITHIN_MS = 60_000;

/**
 * Without a clinical system configured (development, demo, tests; production refuses to start so), the portal starts
 * the stand-in of the clinical system as a process of its own on loopback (DEV_CLINICAL_PORT), registers a key made
 * for this run as its client's JWKS, and talks to it over HTTP exactly as to Millennium: the relay and the poller
 * cannot tell the difference.
 */
export const clinicalStandInTask: StartupTask = async ({ config, database }) => {
  if (config.clinical) return;
  const signingKey = developmentKey();
  const demoDay = await peopleLoadedAt(database.db);
  const child = spawn(process.execPath, ["--import", "tsx", path.resolve("app/clinical/stand-in/main.ts")], {
    stdio: ["ignore", "pipe", "inherit"],
    env: {
      ...process.env,
      NODE_ENV: config.NODE_ENV,
      DEV_CLINICAL_PORT: String(config.DEV_CLINICAL_PORT),
      STAND_IN_CLIENT_ID,
      STAND_IN_CLIENT_JWK: JSON.stringify(publicJwk(signingKey)),
      // The demo as the portal loaded it, on the day it was loaded.
      STAND_IN_PATIENTS: String(DEMO_EXTRA_PATIENTS),
      ...(demoDay ? { STAND_IN_TODAY: demoDay.toISOString() } : {}),
    },
  });
  const origin = await readyOrigin(child);
  registerDevelopmentClinicalSystem({
    fhirBase: origin,
    tokenUrl: `${origin}/token`,
    clientId: STAND_IN_CLIENT_ID,
    signingKey,
    scopes: config.CLINICAL_SCOPES,
    timeoutMs: config.CLINICAL_REQUEST_TIMEOUT_MS,
  });
  logger.warn({ origin }, "development stand-in of the clinical system listening on loopback");
  return async () => {
    registerDevelopmentClinicalSystem(undefined);
    await stopChild(child);
  };
};

/** A key for this run only: nothing outside the process ever needs it. */
function developmentKey(): SigningKey {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-384" });
  return parseSigningKey(privateKey.export({ type: "pkcs8", format: "pem" }).toString());
}

/** The stand-in says `{"ready":true,"origin":…}` on a line of its own once it listens. */
function readyOrigin(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the clinical stand-in did not start within ${READY_WITHIN_MS / 1000} s`));
    }, READY_WITHIN_MS);
    const lines = createInterface({ input: child.stdout! });
    lines.on("line", (line) => {
      let said: unknown;
      try {
        said = JSON.parse(line);
      } catch {
        return;
      }
      if (said && typeof said === "object" && "ready" in said && "origin" in said && typeof said.origin === "string") {
        clearTimeout(timer);
        resolve(said.origin);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the clinical stand-in exited (${code ?? "signal"}) before it was ready: is DEV_CLINICAL_PORT free?`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
