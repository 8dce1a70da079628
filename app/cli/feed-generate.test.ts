import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const dirs: string[] = [];

async function generate(...args: string[]): Promise<{ dir: string; stdout: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), "feed-generate-"));
  dirs.push(dir);
  const { stdout } = await run(process.execPath, ["--import", "tsx", "app/cli/feed-generate.ts", "--out", dir, ...args], { cwd: process.cwd() });
  return { dir, stdout };
}

afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe("npm run feed:generate", () => {
  it("writes one NDJSON file per resource type and a Bulk Data manifest, the same bytes for the same seed and day", async () => {
    const args = ["--patients", "20", "--seed", "11", "--today", "2026-03-15T10:00:00Z"];
    const [a, b] = await Promise.all([generate(...args), generate(...args)]);
    expect(a.stdout).toMatch(/Wrote \d+ resources .* for 38 patients/);
    const files = (await readdir(a.dir)).sort();
    expect(files).toContain("Patient.ndjson");
    expect(files).toContain("Observation.ndjson");
    expect(files).toContain("manifest.json");
    const manifest = JSON.parse(await readFile(path.join(a.dir, "manifest.json"), "utf8")) as { output: { type: string; url: string; count: number }[] };
    for (const { type, url, count } of manifest.output) {
      const text = await readFile(path.join(a.dir, url), "utf8");
      expect(text, type).toBe(await readFile(path.join(b.dir, url), "utf8"));
      const lines = text.trimEnd().split("\n");
      expect(lines, type).toHaveLength(count);
      for (const line of lines) expect((JSON.parse(line) as { resourceType: string }).resourceType).toBe(type);
    }
    expect(manifest.output.find((o) => o.type === "Patient")?.count).toBe(38);
  });

  it("refuses a bad argument with the usage", async () => {
    await expect(generate("--patients", "many")).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining("Usage: npm run feed:generate") });
  });
});
