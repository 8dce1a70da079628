import { spawnSync } from "node:child_process";
import path from "node:path";

/**
 * Vitest global setup: one production build of the Remix app before any test file runs, for the tests that serve real
 * pages (each file building its own would race on build/).
 */
export default function buildOnce(): void {
  const build = spawnSync("npx", ["remix", "build"], {
    cwd: path.resolve(import.meta.dirname, "../.."),
    env: { ...process.env, NODE_ENV: "production", VITE_CJS_IGNORE_WARNING: "true" },
    encoding: "utf8",
  });
  if (build.status !== 0) throw new Error(`remix build failed:\n${build.stderr}`);
}
