import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The import graph of app/ and db/, as ARCHITECTURE.md draws it: no module imports itself back through others, nothing
 * imports a route, and only routes, components and the entries import components. Type-only imports count too: a
 * type is a dependency a reader must follow.
 */

const root = path.resolve(import.meta.dirname, "..");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return sourceFiles(file);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) && !name.endsWith(".d.ts") ? [file] : [];
  });
}

const IMPORT = /^\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"/gm;

function resolve(from: string, specifier: string): string | null {
  let base: string;
  if (specifier.startsWith("~/")) base = path.join(root, "app", specifier.slice(2));
  else if (specifier.startsWith(".")) base = path.resolve(path.dirname(from), specifier);
  else return null;
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts")]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

const files = [...sourceFiles(path.join(root, "app")), ...sourceFiles(path.join(root, "db"))];
const graph = new Map(
  files.map((file) => {
    const text = readFileSync(file, "utf8");
    const targets = [...text.matchAll(IMPORT)].map((m) => resolve(file, m[1] as string)).filter((t): t is string => t !== null && /\.tsx?$/.test(t));
    return [file, [...new Set(targets)]];
  }),
);
const rel = (file: string) => path.relative(root, file);

/** Every cycle found by a depth-first walk, each as the files around it. */
function cycles(): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, "open");
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === "open") found.push([...stack.slice(stack.indexOf(next)), next].map(rel));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}

const area = (file: string) => rel(file).split(path.sep).slice(0, 2).join("/");
const isEntry = (file: string) => /^app\/(root|entry\.(client|server))\.tsx$/.test(rel(file));

describe("the import graph", () => {
  it("has no cycles", () => {
    expect(cycles()).toEqual([]);
  });

  it("has nothing importing a route", () => {
    const offending = [...graph].flatMap(([file, targets]) => targets.filter((t) => area(t) === "app/routes" && area(file) !== "app/routes").map((t) => `${rel(file)} → ${rel(t)}`));
    expect(offending).toEqual([]);
  });

  it("has only routes, components and the entries importing components", () => {
    const mayUseComponents = (file: string) => ["app/routes", "app/components"].includes(area(file)) || isEntry(file) || /\.tsx$/.test(file);
    const offending = [...graph].flatMap(([file, targets]) =>
      targets.filter((t) => area(t) === "app/components" && !mayUseComponents(file)).map((t) => `${rel(file)} → ${rel(t)}`),
    );
    expect(offending).toEqual([]);
  });

  it("keeps db/ and app/utils below the domain: they import no area of the app", () => {
    const low = (file: string) => rel(file).startsWith("db/") || area(file) === "app/utils";
    const offending = [...graph].flatMap(([file, targets]) => (low(file) ? targets.filter((t) => !low(t)).map((t) => `${rel(file)} → ${rel(t)}`) : []));
    expect(offending).toEqual([]);
  });
});
