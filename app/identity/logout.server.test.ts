import { describe, expect, it } from "vitest";
import { logoutHeaders } from "./logout.server";

describe("logoutHeaders", () => {
  it("removes the session cookie and clears the browser's cache and storage of the portal", () => {
    const headers = logoutHeaders();
    expect(headers.get("Clear-Site-Data")).toBe('"cache", "storage"');
    expect(headers.get("Cache-Control")).toBe("no-store");
    const cookies = headers.getSetCookie();
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatch(/^portal_session=;.*Max-Age=0/);
  });
});
