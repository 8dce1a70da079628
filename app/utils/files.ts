/**
 * Files people exchange with their care team (attachments of messages, both ways): what their content is, and a name
 * safe to keep. Pure, for the messages area and the clinical system's poller alike.
 */

/** The types a message's attachment may have: PDF, JPEG, PNG, GIF (1177's and Millennium's rules). */
export type FileType = "application/pdf" | "image/jpeg" | "image/png" | "image/gif";

const startsWith = (bytes: Uint8Array, signature: readonly number[], offset = 0) =>
  bytes.length >= offset + signature.length && signature.every((b, i) => bytes[offset + i] === b);

/**
 * The type the content's magic bytes say, among the four allowed; null for anything else (an executable, HTML, SVG,
 * a header cut short).
 */
export function sniffType(bytes: Uint8Array): FileType | null {
  // %PDF- (a PDF may have up to 1,024 bytes before its header; the portal asks for it at the start, as readers do)
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return "application/pdf";
  // SOI then the next marker's 0xFF
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "image/jpeg";
  // The PNG signature and the IHDR chunk's length and type
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52])) return "image/png";
  // GIF87a or GIF89a, and the logical screen descriptor after it
  if (bytes.length >= 13 && (startsWith(bytes, [0x47, 0x49, 0x46, 0x38, 0x37, 0x61]) || startsWith(bytes, [0x47, 0x49, 0x46, 0x38, 0x39, 0x61]))) return "image/gif";
  return null;
}

// eslint-disable-next-line no-control-regex -- control characters are what it removes
const UNSAFE_IN_NAME = /[\u0000-\u001F\u007F-\u009F/\\]/g;

/** The name to keep: the last path segment, without control characters, at most 200 characters; never empty. */
export function cleanFileName(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? "";
  const cleaned = [...base.replace(UNSAFE_IN_NAME, "").trim()].slice(0, 200).join("");
  return cleaned || "attachment";
}
