/**
 * A message's text and the XHTML the Messages API carries, as an exact inverse pair: `messageText(textToXhtml(t)) === t`
 * for every text the portal may hold (HTML typed as text, `&amp;` typed literally, right-to-left and combining
 * characters, zero-width characters, emoji, blank lines, leading and trailing spaces and tabs, CRLF).
 *
 * The XHTML is one `<div>` with `white-space: pre-wrap` and the text escaped in it, nothing else: the care team's
 * screen shows the lines and spaces as written, and nothing of the text is ever markup. A carriage return is written
 * as `&#13;` (an XML parser turns a literal CR LF into LF), and the other C0 controls as character references too.
 *
 * Content in another form (the demo's older paragraphs, a clinician's own markup) is read as before: paragraphs and
 * blocks become blank-line-separated blocks, `<br/>` a line break, entities their characters, and the whole trimmed.
 * Text that holds no markup at all is kept as it is.
 */

const PRE_WRAP_OPEN = '<div xmlns="http://www.w3.org/1999/xhtml" style="white-space: pre-wrap">';
const PRE_WRAP = /^\s*<div\b[^>]*\bstyle\s*=\s*"[^"]*white-space\s*:\s*pre-wrap[^"]*"[^>]*>([\s\S]*)<\/div>\s*$/i;
const MARKUP = /<[A-Za-z!/][^>]*>/;
const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };

/** Plain text as the Messages API's XHTML content: escaped, in a `white-space: pre-wrap` block. */
// The C0 controls but tab and line feed, and DEL: written as character references.
// eslint-disable-next-line no-control-regex
const TO_ESCAPE = /[&<>"\u0000-\u0008\u000b-\u001f\u007f]/g;

export function textToXhtml(text: string): string {
  const escaped = text.replace(TO_ESCAPE, (c) => {
    switch (c) {
      case "&":
        return "&amp;";
      case "<":
        return "&lt;";
      case ">":
        return "&gt;";
      case '"':
        return "&quot;";
      default:
        return `&#${c.codePointAt(0)};`;
    }
  });
  return `${PRE_WRAP_OPEN}${escaped}</div>`;
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (/^#x/i.test(name)) return codePoint(parseInt(name.slice(2), 16)) ?? whole;
    if (name.startsWith("#")) return codePoint(parseInt(name.slice(1), 10)) ?? whole;
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

function codePoint(n: number): string | undefined {
  return Number.isInteger(n) && n >= 0 && n <= 0x10ffff ? String.fromCodePoint(n) : undefined;
}

/** The content as text (see the module header): the exact text of `textToXhtml`'s form, a reading of any other. */
export function messageText(content: string): string {
  const preWrap = PRE_WRAP.exec(content);
  if (preWrap) {
    // Literal line ends as an XML reader sees them: CR LF and a lone CR are LF (a CR of the text is `&#13;`).
    const inner = preWrap[1]!.replace(/\r\n?/g, "\n").replace(/<br\b[^>]*>/gi, "\n").replace(/<[^>]*>/g, "");
    return decodeEntities(inner);
  }
  if (!MARKUP.test(content)) return content;
  return decodeEntities(
    content
      .replace(/<br\b[^>]*>/gi, "\n")
      .replace(/<\/(p|div|li|h[1-6]|tr|blockquote|pre)\s*>/gi, "\n\n")
      .replace(/<[^>]*>/g, ""),
  )
    .split("\n")
    .map((line) => line.replace(/[ \t\r\f\v]+$/, ""))
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
