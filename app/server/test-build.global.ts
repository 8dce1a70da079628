import { spawnSync } from "node:child_process";
import path from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** What `npm run build` printed on stderr: a newcomer's first sight of the portal (lifecycle.test.ts). */
    buildStderr: string;
  }
}

/**
 * Vitest global setup: one production build of the Remix app before any test file runs, for the tests that serve real
 * pages (each file building its own would race on build/). It is built by package.json's own build script, as
 * `npm start` builds it.
 */
export default function buildOnce(project: TestProject): void {
  const build = spawnSync("npm", ["run", "--silent", "build"], {
    cwd: path.resolve(import.meta.dirname, "../.."),
    env: { ...process.env, NODE_ENV: "production" },
    encoding: "utf8",
  });
  if (build.status !== 0) throw new Error(`remix build failed:\n${build.stderr}`);
  project.provide("buildStderr", build.stderr);
}
