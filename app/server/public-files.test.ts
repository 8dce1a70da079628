import { readdirSync, readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestPortal, type TestPortal } from "./test-portal";

/**
 * public/: the icons, the web manifest and robots.txt, as the browser and a search engine ask for them from the whole
 * portal over HTTP. Each is there (a browser asks for /favicon.ico on every page), kept long, and robots.txt keeps
 * every personal page out of search engines.
 */

const root = path.resolve(import.meta.dirname, "../..");
let portal: TestPortal;

beforeAll(async () => {
  portal = await startTestPortal();
});

afterAll(async () => {
  await portal?.close();
});

const get = (target: string) => fetch(`${portal.base}${target}`);

/** Seconds from `Cache-Control: public, max-age=N`, or null when the answer may not be kept. */
function keptFor(response: Response): number | null {
  const cacheControl = response.headers.get("cache-control") ?? "";
  if (!/\bpublic\b/.test(cacheControl) || /no-store|no-cache|private/.test(cacheControl)) return null;
  return Number(/max-age=(\d+)/.exec(cacheControl)?.[1] ?? 0);
}

const THIRTY_DAYS = 30 * 86_400;

const files = [
  { target: "/favicon.ico", type: "image/x-icon" },
  { target: "/icon.svg", type: "image/svg+xml" },
  { target: "/icon-192.png", type: "image/png", size: 192 },
  { target: "/icon-512.png", type: "image/png", size: 512 },
  { target: "/apple-touch-icon.png", type: "image/png", size: 180 },
  { target: "/manifest.webmanifest", type: "application/manifest+json" },
  { target: "/robots.txt", type: "text/plain" },
];

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Buffer): [number, number] {
  expect(png.subarray(0, 8).equals(PNG)).toBe(true);
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

describe("public files", () => {
  it.each(files)("$target answers 200 as $type, kept 30 days, with the security headers", async ({ target, type, size }) => {
    const response = await get(target);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(new RegExp(`^${type.replace("+", "\\+")}(;|$)`));
    expect(keptFor(response)).toBe(THIRTY_DAYS);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    const body = Buffer.from(await response.arrayBuffer());
    if (size) expect(pngSize(body)).toEqual([size, size]);
  });

  it("favicon.ico is an icon file of PNG images, 16 and 32 pixels among them", async () => {
    const ico = Buffer.from(await (await get("/favicon.ico")).arrayBuffer());
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1]);
    const sizes = [];
    for (let i = 0; i < ico.readUInt16LE(4); i++) {
      const entry = 6 + 16 * i;
      const image = ico.subarray(ico.readUInt32LE(entry + 12), ico.readUInt32LE(entry + 12) + ico.readUInt32LE(entry + 8));
      const [width, height] = pngSize(image);
      expect([width, height]).toEqual([ico.readUInt8(entry) || 256, ico.readUInt8(entry + 1) || 256]);
      sizes.push(width);
    }
    expect(sizes).toEqual(expect.arrayContaining([16, 32]));
  });

  it("the manifest is Swedish, starts at the start page, and names icons that are there", async () => {
    const manifest = (await (await get("/manifest.webmanifest")).json()) as {
      name: string;
      short_name: string;
      lang: string;
      start_url: string;
      display: string;
      theme_color: string;
      icons: { src: string; sizes: string; type: string }[];
    };
    const sv = JSON.parse(readFileSync(path.join(root, "app/locales/sv/common.json"), "utf8")) as { portal: { name: string } };
    expect(manifest).toMatchObject({ name: sv.portal.name, lang: "sv", start_url: "/", display: "standalone" });
    expect(manifest.short_name.length).toBeLessThanOrEqual(12);
    const brand = /--brand:\s*(#[0-9a-f]{6})/i.exec(readFileSync(path.join(root, "app/styles/app.css"), "utf8"))?.[1];
    expect(manifest.theme_color).toBe(brand);
    expect(manifest.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(["192x192", "512x512"]));
    for (const icon of manifest.icons) {
      const response = await get(icon.src);
      expect(response.status, icon.src).toBe(200);
      expect(response.headers.get("content-type")).toBe(icon.type);
      if (icon.type === "image/png") expect(pngSize(Buffer.from(await response.arrayBuffer())).join("x")).toBe(icon.sizes);
    }
  });

  it("every page links the icons, the manifest and the theme colour, and each link answers 200", async () => {
    const page = await (await get("/")).text();
    const links = [...page.matchAll(/<link rel="(icon|apple-touch-icon|manifest)"[^>]*href="([^"]+)"/g)].map(([, rel, href]) => ({ rel, href }));
    expect(links.map((l) => l.rel).sort()).toEqual(["apple-touch-icon", "icon", "icon", "manifest"]);
    for (const { href } of links) expect((await get(href!)).status, href).toBe(200);
    const manifest = (await (await get("/manifest.webmanifest")).json()) as { theme_color: string };
    expect(page).toContain(`<meta name="theme-color" content="${manifest.theme_color}"/>`);
  });

  it("the edge refuses a file's address with dot segments, as any other", async () => {
    for (const target of ["/build/../favicon.ico", "/%2e%2e/robots.txt", "/favicon.ico%00"]) {
      expect(await rawStatus(target), target).toBe(400);
    }
  });
});

/** The status of a request sent as written (fetch would resolve the dot segments first). */
function rawStatus(target: string): Promise<number> {
  const url = new URL(portal.base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path: target }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

/** Whether robots.txt lets a crawler fetch `target` (RFC 9309: the longest matching rule wins, allow on a tie). */
function robotsAllow(robots: string, target: string): boolean {
  let best: { allow: boolean; length: number } | undefined;
  for (const [, kind, pattern] of robots.matchAll(/^(allow|disallow):[ \t]*(\S*)/gim)) {
    if (!pattern) continue;
    const anchored = pattern.endsWith("$");
    const body = (anchored ? pattern.slice(0, -1) : pattern)
      .split("*")
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*");
    if (!new RegExp(`^${body}${anchored ? "$" : ""}`).test(target)) continue;
    const allow = kind!.toLowerCase() === "allow";
    if (!best || pattern.length > best.length || (pattern.length === best.length && allow)) best = { allow, length: pattern.length };
  }
  return best?.allow ?? true;
}

/** A flat route file's address ("record.results.$code.tsx" -> "/record/results/x", "record_.export[.]json" -> "/record/export.json"). */
function routeAddress(file: string): string {
  const segments = file
    .replace(/\.tsx?$/, "")
    .replaceAll("[.]", "\u0000")
    .split(".")
    .filter((s) => !s.startsWith("_"))
    .map((s) => s.replace(/_$/, "").replaceAll("\u0000", ".").replace(/^\$.*/, "x"));
  return `/${segments.join("/")}`;
}

describe("robots.txt", () => {
  const PUBLIC_PAGES = ["/", "/accessibility"];
  const routes = readdirSync(path.join(root, "app/routes"))
    .filter((f) => !/\.test\.tsx?$/.test(f))
    .map(routeAddress);

  it("reads the routes as the router does", () => {
    expect(routes).toEqual(expect.arrayContaining(["/", "/accessibility", "/record", "/record/results/x", "/record/export.json", "/login/new-entries"]));
  });

  it("has one group, for every crawler", async () => {
    const robots = await (await get("/robots.txt")).text();
    expect([...robots.matchAll(/^user-agent:\s*(\S+)/gim)].map((m) => m[1])).toEqual(["*"]);
  });

  it("lets crawlers read the public pages and the icons, and no other page, the feed's API or health", async () => {
    const robots = await (await get("/robots.txt")).text();
    for (const address of routes) expect(robotsAllow(robots, address), address).toBe(PUBLIC_PAGES.includes(address));
    for (const address of ["/api/fhir/feed", "/healthz", "/record?lng=en", "/record/notes?q=astma", "/access-log", "/sessions", "/acting-for", "/login/start"]) {
      expect(robotsAllow(robots, address), address).toBe(false);
    }
    for (const address of ["/?lng=en", "/accessibility?lng=en", "/favicon.ico", "/icon.svg", "/manifest.webmanifest"]) {
      expect(robotsAllow(robots, address), address).toBe(true);
    }
  });
});
