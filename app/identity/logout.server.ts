import { expiredSessionCookie, sessionSettings } from "./session.server";

/**
 * Headers of the response that ends a session: the cookie removed, and Clear-Site-Data for the browser's cache and
 * storage of this origin, so the back button shows nothing personal. Not "cookies": that would clear every cookie of
 * the whole registrable domain (all of the region's sites), and the session cookie is removed by name anyway.
 */
export function logoutHeaders(): Headers {
  const headers = new Headers();
  headers.append("Set-Cookie", expiredSessionCookie(sessionSettings()));
  headers.set("Clear-Site-Data", '"cache", "storage"');
  headers.set("Cache-Control", "no-store");
  return headers;
}
