/**
 * The stated limits of writing a message (shown on the pages, checked by the server; the browser's counter uses the
 * same count). Plain values, so the form's counter can import them without server code.
 */

export const MESSAGE_MAX_CHARACTERS = 4000;
export const ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;
export const ATTACHMENTS_MAX_COUNT = 5;
/** The types an attachment may have (decided by its content), and the file endings the file picker suggests. */
export const ATTACHMENT_TYPES = ["application/pdf", "image/jpeg", "image/png", "image/gif"] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];
export const ATTACHMENT_ACCEPT = ".pdf,.jpg,.jpeg,.png,.gif,application/pdf,image/jpeg,image/png,image/gif";

/**
 * A text's length as the citizen sees it: characters (code points, so an emoji is one), a line break one character
 * however the browser sent it (a form sends CRLF). The text itself is kept exactly as typed.
 */
export function characterCount(text: string): number {
  let count = 0;
  for (const _ of text.replaceAll("\r\n", "\n")) count++;
  return count;
}
