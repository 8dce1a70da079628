import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { escapeHtml, html, keptMarkup, pageMarkup } from "./html.server";
import { withRequestScope } from "./request-scope.server";

const unescape = (s: string) =>
  s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" })[e] as string);

describe("html", () => {
  it("escapes every value, in text and in quoted attributes", () => {
    const evil = `"><script>alert('x')</script><img src=x onerror="y">&`;
    const out = html`<p title="${evil}">${evil}</p>`.html;
    expect(out).toBe(
      '<p title="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&lt;img src=x onerror=&quot;y&quot;&gt;&amp;">' +
        "&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&lt;img src=x onerror=&quot;y&quot;&gt;&amp;</p>",
    );
  });

  it("keeps the text of any string: nothing in it can close a tag or an attribute", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        const escaped = escapeHtml(s);
        expect(escaped).not.toMatch(/[<>"']/);
        expect(unescape(escaped)).toBe(s);
      }),
    );
  });

  it("inserts markup made by templates as it is, lists in order, numbers, and nothing for null, undefined and false", () => {
    const item = (s: string) => html`<li>${s}</li>`;
    expect(html`<ul>${["a&b", "c"].map(item)}</ul>`.html).toBe("<ul><li>a&amp;b</li><li>c</li></ul>");
    expect(html`${1.5}|${null}|${undefined}|${false}|${html`<br>`}`.html).toBe("1.5||||<br>");
  });

  it("escapes a string that looks like markup: only Markup is inserted unescaped", () => {
    expect(html`${"<b>bold</b>"}`.html).toBe("&lt;b&gt;bold&lt;/b&gt;");
  });
});

describe("pageMarkup", () => {
  const list = html`<ol><li>${"a"}</li></ol>`;

  it("keeps a document's markup for the server's render, so the page's data does not carry it a second time", () => {
    const [first, second, kept] = withRequestScope(() => [pageMarkup(list), pageMarkup(html`<p>b</p>`), keptMarkup()] as const, { document: true });
    expect(first).toEqual({ kept: "m1" });
    expect(second).toEqual({ kept: "m2" });
    expect([...kept]).toEqual([
      ["m1", "<ol><li>a</li></ol>"],
      ["m2", "<p>b</p>"],
    ]);
  });

  it("sends the markup in the data of a client-side navigation, and wherever it is not known to be a document", () => {
    expect(withRequestScope(() => pageMarkup(list))).toEqual({ html: "<ol><li>a</li></ol>" });
    expect(pageMarkup(list)).toEqual({ html: "<ol><li>a</li></ol>" });
    expect(withRequestScope(() => keptMarkup().size)).toBe(0);
  });
});
