import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acquirePgliteLock, PgliteLockedError } from "./pglite-lock";

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "pglite-lock-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("PGlite directory lock", () => {
  it("is taken, written with the process id, and removed on release", async () => {
    const dir = path.join(root, "a");
    const release = await acquirePgliteLock(dir);
    expect(existsSync(`${dir}.lock`)).toBe(true);
    await release();
    expect(existsSync(`${dir}.lock`)).toBe(false);
  });

  it("refuses while another live process holds it, and takes over once that process is gone", async () => {
    const dir = path.join(root, "b");
    const holder = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"], { stdio: "ignore" });
    try {
      await writeFile(`${dir}.lock`, `${holder.pid}@${hostname()}`);
      await expect(acquirePgliteLock(dir)).rejects.toBeInstanceOf(PgliteLockedError);
    } finally {
      const exited = new Promise((resolve) => holder.once("exit", resolve));
      holder.kill();
      await exited;
    }
    const release = await acquirePgliteLock(dir);
    await release();
  });
});
