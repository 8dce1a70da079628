import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OFF_SITE_TARGETS } from "./off-site-targets";
import { safeRedirect } from "./redirect";


/** Local targets that stay as they are (or normalise to a local path). */
const LOCAL_TARGETS: [string, string][] = [
  ["/", "/"],
  ["/record", "/record"],
  ["/record/notes?q=hj%C3%A4rta&page=2", "/record/notes?q=hj%C3%A4rta&page=2"],
  ["/record/results/2345-7#chart", "/record/results/2345-7#chart"],
  ["/record/./notes", "/record/notes"],
  ["/record/x/../notes", "/record/notes"],
  ["/%2F%2Fevil.example", "/%2F%2Fevil.example"],
  ["/@evil.example", "/@evil.example"],
];

describe("safeRedirect", () => {
  it.each(OFF_SITE_TARGETS)("sends %j to the fallback", (target) => {
    expect(safeRedirect(target, "/fallback")).toBe("/fallback");
  });

  it.each(LOCAL_TARGETS)("keeps %j on this site as %j", (target, expected) => {
    expect(safeRedirect(target, "/fallback")).toBe(expected);
  });

  it("turns non-strings (a File from a form, null) into the fallback", () => {
    expect(safeRedirect(null)).toBe("/");
    expect(safeRedirect(undefined, "/x")).toBe("/x");
    expect(safeRedirect(new File([], "a"), "/x")).toBe("/x");
  });

  it("never returns anything a browser resolves to another origin, whatever the input", () => {
    const pieces = fc.constantFrom("/", "//", "\\", ".", "..", "%2e", "%2f", "%5c", "@", ":", "?", "#", "\t", " ", "evil.example", "a", "%00", "\u0000");
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 12 }), (parts) => {
        const target = safeRedirect(parts.join(""), "/fallback");
        expect(new URL(target, "https://portal.example").origin).toBe("https://portal.example");
        expect(target).toMatch(/^\/(?![/\\])/);
      }),
      { numRuns: 2000 },
    );
  });
});
