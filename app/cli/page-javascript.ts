import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import ts from "typescript";
import { languages } from "~/i18n/config";

/**
 * What a page's first visit makes the browser download in JavaScript, from the build: the route manifest, the client
 * entry, each route module of the page's route chain, and the texts the page's routes name in `handle.i18n` (root's
 * included; entry.client loads those namespaces before it hydrates), each with every file it imports, each file once,
 * gzipped as it travels. The texts are one language's: the heavier language counts. Namespaces no route of the chain
 * names are downloaded later, when a navigation reaches a page that needs them, and do not count.
 */
export interface PageJavaScript {
  files: number;
  gzipBytes: number;
  /** The namespaces of texts counted, in the order the routes name them. */
  namespaces: string[];
  /** The language whose texts were counted (the heavier). */
  language: string;
}

interface RemixManifest {
  entry: { module: string; imports?: string[] };
  routes: Record<string, { module: string; imports?: string[] }>;
}

/** What the count reads from a build; `readClientBuild` reads it from disk. */
export interface ClientBuild {
  /** The manifest's own file, "/build/manifest-….js". */
  manifestFile: string;
  manifest: RemixManifest;
  /** esbuild's metafile outputs by URL ("/build/…"): the sources in each, and the files it imports statically. */
  outputs: Map<string, { inputs: string[]; imports: string[] }>;
  /** The source of a route's file, e.g. "app/routes/record.tsx", to read its handle. */
  routeSource: (file: string) => string;
  gzipBytes: (url: string) => number;
}

export function pageJavaScript(routeIds: string[], publicDir = "public", serverBuildDir = "build"): PageJavaScript {
  return countPageJavaScript(readClientBuild(publicDir, serverBuildDir), routeIds);
}

export function readClientBuild(publicDir = "public", serverBuildDir = "build"): ClientBuild {
  const buildDir = path.join(publicDir, "build");
  const manifestName = readdirSync(buildDir).find((f) => /^manifest-[\w-]+\.js$/.test(f));
  if (!manifestName) throw new Error(`no route manifest in ${buildDir}: build first`);
  const text = readFileSync(path.join(buildDir, manifestName), "utf8");
  const manifest = JSON.parse(text.slice(text.indexOf("{"), text.lastIndexOf("}") + 1)) as RemixManifest;
  // Remix writes esbuild's metafile of the browser build beside the server build.
  const metafile = JSON.parse(readFileSync(path.join(serverBuildDir, "metafile.js.json"), "utf8")) as {
    outputs: Record<string, { inputs: Record<string, unknown>; imports: { path: string; kind: string }[] }>;
  };
  const url = (file: string) => `/${path.relative(publicDir, file).split(path.sep).join("/")}`;
  const outputs = new Map(
    Object.entries(metafile.outputs).map(([file, output]) => [
      url(file),
      {
        inputs: Object.keys(output.inputs),
        imports: output.imports.filter((i) => i.kind === "import-statement").map((i) => url(i.path)),
      },
    ]),
  );
  return {
    manifestFile: `/build/${manifestName}`,
    manifest,
    outputs,
    routeSource: (file) => readFileSync(file, "utf8"),
    gzipBytes: (file) => gzipSync(readFileSync(path.join(publicDir, file))).length,
  };
}

export function countPageJavaScript(build: ClientBuild, routeIds: string[]): PageJavaScript {
  const files = new Set<string>();
  const add = (file: string) => addWithImports(build, files, file);
  add(build.manifestFile);
  add(build.manifest.entry.module);
  for (const file of build.manifest.entry.imports ?? []) add(file);
  const namespaces: string[] = [];
  for (const id of routeIds) {
    const route = build.manifest.routes[id];
    if (!route) throw new Error(`no route ${id} in the manifest`);
    add(route.module);
    for (const file of route.imports ?? []) add(file);
    for (const ns of handleNamespaces(build.routeSource(routeFile(build, route.module)), id)) {
      if (!namespaces.includes(ns)) namespaces.push(ns);
    }
  }
  let heaviest: { language: string; files: Set<string>; gzipBytes: number } | undefined;
  for (const language of languages) {
    const withTexts = new Set(files);
    for (const ns of namespaces) addWithImports(build, withTexts, textsChunk(build, language, ns));
    const gzipBytes = [...withTexts].reduce((sum, file) => sum + build.gzipBytes(file), 0);
    if (!heaviest || gzipBytes > heaviest.gzipBytes) heaviest = { language, files: withTexts, gzipBytes };
  }
  if (!heaviest) throw new Error("no languages");
  return { files: heaviest.files.size, gzipBytes: heaviest.gzipBytes, namespaces, language: heaviest.language };
}

/** A file and, each once, every file it imports statically, and those files' imports. */
function addWithImports(build: ClientBuild, files: Set<string>, file: string): void {
  if (files.has(file)) return;
  files.add(file);
  for (const imported of build.outputs.get(file)?.imports ?? []) addWithImports(build, files, imported);
}

/** The source file of a route module: esbuild names it "browser-route-module:routes/x.tsx?browser" (app/ relative). */
function routeFile(build: ClientBuild, module: string): string {
  const inputs = build.outputs.get(module)?.inputs ?? [];
  const found = inputs.map((input) => /^browser-route-module:(.+)\?browser$/.exec(input)?.[1]).find(Boolean);
  if (!found) throw new Error(`no route source for ${module} in the build's metafile`);
  return path.join("app", found);
}

/** The chunk of one namespace's texts in one language: the output made of app/locales/<language>/<ns>.json. */
function textsChunk(build: ClientBuild, language: string, ns: string): string {
  const source = `app/locales/${language}/${ns}.json`;
  for (const [file, output] of build.outputs) if (output.inputs.includes(source)) return file;
  throw new Error(`no chunk of ${source} in the build: is "${ns}" in app/locales/${language}.ts?`);
}

/**
 * The namespaces a route's source names in `export const handle = { i18n: … }`: a string or an array of strings,
 * written out (as the browser reads them from the route module). None when the route has no handle or no i18n in it;
 * an error when it has one this cannot read, rather than a count that leaves texts out.
 */
export function handleNamespaces(source: string, where: string): string[] {
  const file = ts.createSourceFile("route.tsx", source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TSX);
  for (const statement of file.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    if (!statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (!ts.isIdentifier(declaration.name) || declaration.name.text !== "handle") continue;
      const init = declaration.initializer;
      if (!init || !ts.isObjectLiteralExpression(init)) throw new Error(`${where}: handle is not an object written out`);
      const i18n = init.properties.find((p) => p.name && ts.isIdentifier(p.name) && p.name.text === "i18n");
      if (!i18n) return [];
      if (!ts.isPropertyAssignment(i18n)) throw new Error(`${where}: handle.i18n is not written out`);
      const value = i18n.initializer;
      if (ts.isStringLiteral(value)) return [value.text];
      if (ts.isArrayLiteralExpression(value) && value.elements.every(ts.isStringLiteral)) {
        return value.elements.map((e) => (e as ts.StringLiteral).text);
      }
      throw new Error(`${where}: handle.i18n is neither a namespace nor a list of namespaces written out`);
    }
  }
  return [];
}
