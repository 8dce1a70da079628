// `npm run icons`: the PNG icons and favicon.ico in public/, drawn by Chromium from public/icon.svg (the one source).
// Run it after changing the SVG and commit what it writes.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { chromium } from "@playwright/test";

const publicDir = path.resolve(import.meta.dirname, "../../public");
const svg = readFileSync(path.join(publicDir, "icon.svg"), "utf8");
const brand = /<rect[^>]*fill="(#[0-9a-f]{6})"/i.exec(svg)?.[1] ?? "#00508c";

/**
 * An ICO file holding PNG images (one directory entry each: 16 bytes after the 6-byte header), as Windows Vista and
 * every browser since read them.
 */
function ico(images: { size: number; png: Buffer }[]): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = 6 + 16 * images.length;
  const entries = images.map(({ size, png }) => {
    const entry = Buffer.alloc(16);
    entry.writeUInt8(size >= 256 ? 0 : size, 0);
    entry.writeUInt8(size >= 256 ? 0 : size, 1);
    entry.writeUInt16LE(1, 4);
    entry.writeUInt16LE(32, 6);
    entry.writeUInt32LE(png.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += png.length;
    return entry;
  });
  return Buffer.concat([header, ...entries, ...images.map((i) => i.png)]);
}

const executablePath = process.env.CHROMIUM_PATH ?? (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);
const browser = await chromium.launch({ executablePath, args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
try {
  const page = await browser.newPage({ deviceScaleFactor: 1 });
  /** The icon at `size` pixels; `fill` colours what the rounded corners leave (home screens draw their own shape). */
  const draw = async (size: number, fill?: string): Promise<Buffer> => {
    await page.setViewportSize({ width: size, height: size });
    const background = fill ?? "transparent";
    await page.setContent(
      `<!doctype html><html><body style="margin:0;background:${background}">` +
        svg.replace("<svg ", `<svg width="${size}" height="${size}" style="display:block" `) +
        `</body></html>`,
    );
    return page.screenshot({ omitBackground: !fill, clip: { x: 0, y: 0, width: size, height: size } });
  };
  writeFileSync(path.join(publicDir, "apple-touch-icon.png"), await draw(180, brand));
  writeFileSync(path.join(publicDir, "icon-192.png"), await draw(192, brand));
  writeFileSync(path.join(publicDir, "icon-512.png"), await draw(512, brand));
  const small = [];
  for (const size of [16, 32, 48]) small.push({ size, png: await draw(size) });
  writeFileSync(path.join(publicDir, "favicon.ico"), ico(small));
} finally {
  await browser.close();
}
console.log(`icons written to ${publicDir}`);
