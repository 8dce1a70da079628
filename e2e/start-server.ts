// Starts the portal for the browser journeys: a production build, and a fresh embedded database under .data/e2e
// unless DATABASE_URL is set (CI gives each run a throwaway PostgreSQL database).
import { spawn, spawnSync } from "node:child_process";
import { rmSync } from "node:fs";

const build = spawnSync("npm", ["run", "--silent", "build"], { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, NODE_ENV: "production" } });
if (build.status !== 0) process.exit(build.status ?? 1);

const env = { ...process.env };
if (!env.DATABASE_URL) {
  env.PGLITE_DIR = ".data/e2e/pglite";
  rmSync(".data/e2e", { recursive: true, force: true });
}
const server = spawn("npx", ["tsx", "app/server/main.ts"], { stdio: "inherit", env });
for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
