import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";

/**
 * What a page's first visit makes the browser download in JavaScript, from the build's manifest: the client entry,
 * the manifest itself, and each route module of the page's route chain with the chunks it imports, each file once,
 * gzipped as it travels. The client entry's dynamic imports are alternatives (the texts of one language each): the
 * largest counts.
 */
export interface PageJavaScript {
  files: number;
  gzipBytes: number;
}

interface RemixManifest {
  entry: { module: string; imports?: string[] };
  routes: Record<string, { module: string; imports?: string[] }>;
}

export function pageJavaScript(routeIds: string[], publicDir = "public"): PageJavaScript {
  const buildDir = path.join(publicDir, "build");
  const manifestFile = readdirSync(buildDir).find((f) => /^manifest-[\w-]+\.js$/.test(f));
  if (!manifestFile) throw new Error(`no route manifest in ${buildDir}: build first`);
  const text = readFileSync(path.join(buildDir, manifestFile), "utf8");
  const manifest = JSON.parse(text.slice(text.indexOf("{"), text.lastIndexOf("}") + 1)) as RemixManifest;
  const files = new Set([`/build/${manifestFile}`, manifest.entry.module, ...(manifest.entry.imports ?? [])]);
  for (const id of routeIds) {
    const route = manifest.routes[id];
    if (!route) throw new Error(`no route ${id} in the manifest`);
    files.add(route.module);
    for (const file of route.imports ?? []) files.add(file);
  }
  const gzipped = (file: string) => gzipSync(readFileSync(path.join(publicDir, file))).length;
  const entryText = readFileSync(path.join(publicDir, manifest.entry.module), "utf8");
  const alternatives = [...entryText.matchAll(/import\("(\/build\/[^"]+)"\)/g)].map((m) => gzipped(m[1] as string));
  let gzipBytes = alternatives.length > 0 ? Math.max(...alternatives) : 0;
  for (const file of files) gzipBytes += gzipped(file);
  return { files: files.size + (alternatives.length > 0 ? 1 : 0), gzipBytes };
}
