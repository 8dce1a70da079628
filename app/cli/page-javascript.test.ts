import { describe, expect, it } from "vitest";
import { countPageJavaScript, handleNamespaces, type ClientBuild } from "./page-javascript";

// The count over a build made up here (no `npm run build`): each file's gzipped size is given, so the sums are exact.
// `npm run bench:record` runs the same count over the real build.

const sizes: Record<string, number> = {
  "/build/manifest-M.js": 1_000,
  "/build/entry.client-E.js": 10_000,
  "/build/_shared/chunk-VENDOR.js": 50_000,
  "/build/_shared/chunk-HELPERS.js": 300,
  "/build/root-R.js": 2_000,
  "/build/routes/record-A.js": 700,
  "/build/routes/record.notes-B.js": 400,
  "/build/_shared/chunk-LIST.js": 900,
  "/build/routes/appointments-C.js": 800,
  "/build/_shared/common-SV.js": 1_500,
  "/build/_shared/common-EN.js": 1_400,
  "/build/_shared/record-SV.js": 3_000,
  "/build/_shared/record-EN.js": 3_200,
  "/build/_shared/booking-SV.js": 2_100,
  "/build/_shared/booking-EN.js": 2_000,
};

const sources: Record<string, string> = {
  "app/root.tsx": `export const handle = { i18n: ["common"] };`,
  "app/routes/record.tsx": `export const handle = { i18n: "record" };`,
  "app/routes/record.notes.tsx": `export default function Notes() {}`,
  "app/routes/appointments.tsx": `export const handle = { i18n: ["booking", "record"] };`,
};

function output(inputs: string[], imports: string[] = []) {
  return { inputs, imports };
}

const build: ClientBuild = {
  manifestFile: "/build/manifest-M.js",
  manifest: {
    entry: { module: "/build/entry.client-E.js", imports: ["/build/_shared/chunk-VENDOR.js"] },
    routes: {
      root: { module: "/build/root-R.js", imports: ["/build/_shared/chunk-VENDOR.js"] },
      "routes/record": { module: "/build/routes/record-A.js" },
      "routes/record.notes": { module: "/build/routes/record.notes-B.js", imports: ["/build/_shared/chunk-LIST.js"] },
      "routes/appointments": { module: "/build/routes/appointments-C.js", imports: ["/build/_shared/chunk-LIST.js"] },
    },
  },
  outputs: new Map([
    ["/build/entry.client-E.js", output(["app/entry.client.tsx", "app/locales/sv.ts", "app/locales/en.ts"], ["/build/_shared/chunk-VENDOR.js", "/build/_shared/chunk-HELPERS.js"])],
    ["/build/_shared/chunk-VENDOR.js", output(["node_modules/react-dom/index.js"])],
    ["/build/root-R.js", output(["app/root.tsx", "browser-route-module:root.tsx?browser"])],
    ["/build/routes/record-A.js", output(["app/routes/record.tsx", "browser-route-module:routes/record.tsx?browser"])],
    ["/build/routes/record.notes-B.js", output(["browser-route-module:routes/record.notes.tsx?browser"])],
    ["/build/routes/appointments-C.js", output(["browser-route-module:routes/appointments.tsx?browser"])],
    ["/build/_shared/chunk-LIST.js", output(["app/components/list.tsx"])],
    ["/build/_shared/common-SV.js", output(["app/locales/sv/common.json"], ["/build/_shared/chunk-HELPERS.js"])],
    ["/build/_shared/common-EN.js", output(["app/locales/en/common.json"], ["/build/_shared/chunk-HELPERS.js"])],
    ["/build/_shared/record-SV.js", output(["app/locales/sv/record.json"], ["/build/_shared/chunk-HELPERS.js"])],
    ["/build/_shared/record-EN.js", output(["app/locales/en/record.json"], ["/build/_shared/chunk-HELPERS.js"])],
    ["/build/_shared/booking-SV.js", output(["app/locales/sv/booking.json"], ["/build/_shared/chunk-HELPERS.js"])],
    ["/build/_shared/booking-EN.js", output(["app/locales/en/booking.json"], ["/build/_shared/chunk-HELPERS.js"])],
  ]),
  routeSource: (file) => {
    const source = sources[file];
    if (source === undefined) throw new Error(`no source ${file}`);
    return source;
  },
  gzipBytes: (file) => {
    const size = sizes[file];
    if (size === undefined) throw new Error(`no file ${file}`);
    return size;
  },
};

const shell = 1_000 + 10_000 + 50_000 + 300 + 2_000; // manifest, entry, vendor, helpers (the entry's import), root

describe("countPageJavaScript", () => {
  it("counts the route chain's files once each, and the texts of the namespaces its routes name, in the heavier language", () => {
    const notes = countPageJavaScript(build, ["root", "routes/record", "routes/record.notes"]);
    // en: common 1,400 + record 3,200 = 4,600 > sv: 1,500 + 3,000 = 4,500.
    expect(notes).toEqual({ files: 10, gzipBytes: shell + 700 + 400 + 900 + 4_600, namespaces: ["common", "record"], language: "en" });
  });

  it("leaves out the texts no route of the chain names: booking counts on the appointments page only", () => {
    const appointments = countPageJavaScript(build, ["root", "routes/appointments"]);
    // sv: common 1,500 + booking 2,100 + record 3,000 = 6,600 > en: 1,400 + 2,000 + 3,200 = 6,600 (a tie keeps sv).
    expect(appointments).toEqual({ files: 10, gzipBytes: shell + 800 + 900 + 6_600, namespaces: ["common", "booking", "record"], language: "sv" });
    const notes = countPageJavaScript(build, ["root", "routes/record", "routes/record.notes"]);
    expect(notes.namespaces).not.toContain("booking");
  });

  it("counts a file a namespace's chunk imports that the page has not loaded already", () => {
    // The entry imports nothing here: the helpers come with the texts (root imports the vendor chunk).
    const bare: ClientBuild = {
      ...build,
      manifest: { ...build.manifest, entry: { module: "/build/entry.client-E.js" } },
      outputs: new Map([...build.outputs].map(([file, o]) => [file, file === "/build/entry.client-E.js" ? output(o.inputs) : o])),
    };
    expect(countPageJavaScript(bare, ["root"])).toMatchObject({ gzipBytes: 1_000 + 10_000 + 50_000 + 2_000 + 1_500 + 300, language: "sv" });
  });

  it("fails on a namespace the build has no chunk of, and on a route the manifest lacks", () => {
    const unknown = { ...build, routeSource: () => `export const handle = { i18n: "messages" };` };
    expect(() => countPageJavaScript(unknown, ["root"])).toThrow(/no chunk of app\/locales\/sv\/messages\.json/);
    expect(() => countPageJavaScript(build, ["root", "routes/nowhere"])).toThrow(/no route routes\/nowhere/);
  });
});

describe("handleNamespaces", () => {
  it("reads a namespace, a list of them, or none", () => {
    expect(handleNamespaces(`export const handle = { i18n: "record" };`, "a")).toEqual(["record"]);
    expect(handleNamespaces(`import x from "y";\nexport const handle = { i18n: ["booking", "record"], other: 1 };`, "b")).toEqual(["booking", "record"]);
    expect(handleNamespaces(`export const handle = { breadcrumb: "x" };`, "c")).toEqual([]);
    expect(handleNamespaces(`export default function Page() { return null; }`, "d")).toEqual([]);
  });

  it("refuses a handle it cannot read rather than count no texts", () => {
    expect(() => handleNamespaces(`const ns = "record";\nexport const handle = { i18n: ns };`, "routes/x")).toThrow(/routes\/x/);
    expect(() => handleNamespaces(`export const handle = makeHandle();`, "routes/y")).toThrow(/routes\/y/);
  });
});
