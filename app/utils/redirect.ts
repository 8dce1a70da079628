const SITE = "http://portal.invalid";
// Control characters and whitespace the URL parser would strip or fold, and backslashes it reads as slashes.
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const UNSAFE = /[\u0000-\u0020\u007F-\u009F\\]/;

/**
 * A redirect target from user input, kept on this site: a path (with query and fragment) on the portal's own origin.
 * The decision is made on what is returned, after the URL parser has normalised it (dot segments resolved), so no
 * input comes back as "//elsewhere" or "/\elsewhere". Anything else becomes the fallback.
 */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/"): string {
  if (typeof to !== "string" || !to.startsWith("/") || UNSAFE.test(to)) return fallback;
  let url: URL;
  try {
    url = new URL(to, SITE);
  } catch {
    return fallback;
  }
  const target = url.pathname + url.search + url.hash;
  if (url.origin !== SITE || !isLocalPath(target)) return fallback;
  return target;
}

/** One leading slash, then anything but a second slash or a backslash: a browser reads it as a path on this origin. */
function isLocalPath(path: string): boolean {
  return path.startsWith("/") && path[1] !== "/" && path[1] !== "\\" && !UNSAFE.test(path);
}
