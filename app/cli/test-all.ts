// `npm test`: typecheck, lint, unit and integration tests, and the browser journeys against a production build.
// Every step runs even when an earlier one fails, so one run shows everything that is wrong; the exit code is
// non-zero if anything failed.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";

interface Step {
  name: string;
  command: string[];
  report?: () => { passed: number; failed: number; skipped: number } | undefined;
}

mkdirSync(".cache", { recursive: true });
const vitestReport = ".cache/vitest-report.json";
const playwrightReport = ".cache/playwright-report.json";
for (const f of [vitestReport, playwrightReport]) rmSync(f, { force: true });

function readJson<T>(file: string): T | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as T) : undefined;
}

const steps: Step[] = [
  { name: "typecheck", command: ["npx", "tsc", "--noEmit"] },
  { name: "lint", command: ["npx", "eslint", ".", "--max-warnings=0"] },
  {
    name: "unit and integration (vitest)",
    command: ["npx", "vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${vitestReport}`],
    report: () => {
      const r = readJson<{ numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number }>(vitestReport);
      return r && { passed: r.numPassedTests, failed: r.numFailedTests, skipped: r.numPendingTests + r.numTodoTests };
    },
  },
  {
    name: "browser journeys (playwright)",
    command: ["npx", "playwright", "test", "-c", "e2e/playwright.config.ts"],
    report: () => {
      const r = readJson<{ stats: { expected: number; unexpected: number; flaky: number; skipped: number } }>(playwrightReport);
      return r && { passed: r.stats.expected + r.stats.flaky, failed: r.stats.unexpected, skipped: r.stats.skipped };
    },
  },
];

const only = process.argv.slice(2);
const results: { name: string; ok: boolean; seconds: number; counts?: ReturnType<NonNullable<Step["report"]>> }[] = [];
for (const step of steps) {
  if (only.length && !only.some((o) => step.name.startsWith(o))) continue;
  console.log(`\n━━ ${step.name} ━━ ${step.command.join(" ")}`);
  const started = Date.now();
  const run = spawnSync(step.command[0] as string, step.command.slice(1), { stdio: "inherit", env: process.env });
  results.push({ name: step.name, ok: run.status === 0, seconds: (Date.now() - started) / 1000, counts: step.report?.() });
}

let passed = 0;
let failed = 0;
let skipped = 0;
console.log("\n━━ summary ━━");
for (const r of results) {
  const counts = r.counts ? ` (${r.counts.passed} passed, ${r.counts.failed} failed, ${r.counts.skipped} skipped)` : "";
  console.log(`${r.ok ? "PASS" : "FAIL"}  ${r.name}${counts}  ${r.seconds.toFixed(1)} s`);
  if (r.counts) {
    passed += r.counts.passed;
    failed += r.counts.failed;
    skipped += r.counts.skipped;
  } else if (r.ok) passed += 1;
  else failed += 1;
}
const stepsFailed = results.filter((r) => !r.ok).length;
if (stepsFailed > 0 && failed === 0) failed = stepsFailed;
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(stepsFailed > 0 ? 1 : 0);
