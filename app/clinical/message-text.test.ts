import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { messageText, textToXhtml } from "./message-text";

describe("a message's text and its XHTML", () => {
  it("are an exact inverse pair for any text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), fc.string({ unit: "binary" }), (a, b) => {
        expect(messageText(textToXhtml(a))).toBe(a);
        expect(messageText(textToXhtml(b))).toBe(b);
      }),
      { numRuns: 500 },
    );
  });

  it("never lets the text become markup", () => {
    const xhtml = textToXhtml('<script>alert("x")</script> &amp; \r\n');
    expect(xhtml).toBe('<div xmlns="http://www.w3.org/1999/xhtml" style="white-space: pre-wrap">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp;amp; &#13;\n</div>');
    expect(messageText(xhtml)).toBe('<script>alert("x")</script> &amp; \r\n');
  });

  it("reads other XHTML as paragraphs and line breaks, and text without markup as it is", () => {
    expect(messageText('<div xmlns="http://www.w3.org/1999/xhtml"><p>Rad ett<br/>Rad två</p><p>A &amp; B &lt;3</p></div>')).toBe("Rad ett\nRad två\n\nA & B <3");
    expect(messageText("  as typed  ")).toBe("  as typed  ");
    // A literal CR LF in the markup is read as an XML reader reads it: LF.
    expect(messageText('<div style="white-space: pre-wrap">a\r\nb<br/>c</div>')).toBe("a\nb\nc");
  });
});
