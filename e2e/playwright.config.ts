import { existsSync } from "node:fs";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";
import { chromium } from "playwright";

const root = path.resolve(import.meta.dirname, "..");
const port = Number(process.env.E2E_PORT ?? 3400);
const idpPort = Number(process.env.E2E_IDP_PORT ?? port + 1);
const clinicalPort = Number(process.env.E2E_CLINICAL_PORT ?? port + 2);
export const baseURL = `http://localhost:${port}`;

/** CHROMIUM_PATH, else Debian's /usr/bin/chromium, else Playwright's own browser if it was ever installed. */
function chromiumPath(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"];
  for (const candidate of candidates) if (candidate && existsSync(candidate)) return candidate;
  let bundled: string | undefined;
  try {
    bundled = chromium.executablePath();
  } catch {
    bundled = undefined;
  }
  if (bundled && existsSync(bundled)) return undefined;
  throw new Error(
    "No Chromium found for the browser journeys. Install one: `apt-get install -y chromium` (Debian/Ubuntu), " +
      "or `npx playwright install chromium` where downloads are allowed, or set CHROMIUM_PATH to a Chromium binary.",
  );
}

const executablePath = chromiumPath();

export default defineConfig({
  testDir: ".",
  outputDir: path.join(root, "test-results"),
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  // A journey visits up to ten pages, each scanned by axe (without JavaScript, in a scratch context of its own).
  timeout: 120_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["json", { outputFile: path.join(root, ".cache/playwright-report.json") }]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [
    { name: "sv", use: { ...devices["Desktop Chrome"], locale: "sv-SE", extraHTTPHeaders: {} } },
    { name: "en", use: { ...devices["Desktop Chrome"], locale: "en-GB" } },
  ],
  webServer: {
    // The production build, served by the portal's own server entry; a fresh embedded database each run unless
    // DATABASE_URL points at a server (as in CI).
    command: "npx tsx e2e/start-server.ts",
    cwd: root,
    url: `${baseURL}/healthz`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      PORT: String(port),
      DEV_IDP_PORT: String(idpPort),
      DEV_CLINICAL_PORT: String(clinicalPort),
      // The messages journeys wait for the poller to bring the care team's answers: a pass every 5 s, as in development.
      CLINICAL_POLL_INTERVAL_MS: "5000",
      PUBLIC_ORIGIN: baseURL,
      NODE_ENV: "test",
      LOG_LEVEL: "warn",
      DEMO_DATA: "true",
      // A whole run can outlast the 15-minute idle limit on a slow machine: the sessions a journey counts (the other
      // language's logins of the same person) must not end while it counts them.
      SESSION_IDLE_MINUTES: "120",
      // Every journey logs in and posts forms from this one address: the limits per client are tested on their own
      // (app/server/rate-limit.test.ts), not by the journeys.
      RATE_LIMIT_LOGINS_PER_10_MINUTES: "100000",
      RATE_LIMIT_FORM_POSTS_PER_MINUTE: "100000",
      FEED_TOKEN: process.env.E2E_FEED_TOKEN ?? "e2e-feed-token-0123456789abcdef0123456789",
    },
  },
});
