import { expect, test } from "./fixtures";

/**
 * The scan every journey relies on finds what it is there to find: a document with violations fails it, with
 * JavaScript on and (through the scratch page) off. A scan that passes everything would let every journey pass.
 */
for (const javaScriptEnabled of [true, false]) {
  test.describe(`the axe scan with JavaScript ${javaScriptEnabled ? "on" : "off"}`, () => {
    test.use({ javaScriptEnabled });

    test("fails on a document with violations, and names them", async ({ page, scan, baseURL }) => {
      const url = `${baseURL}/axe-self-test`;
      const broken = `<!doctype html><html><head><title>x</title></head><body><main><input type="text"><p style="color:#ccc;background:#fff">faint</p></main></body></html>`;
      await page.route(url, (route) => route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: broken }));
      await page.goto(url);
      const failure = await scan().then(
        () => null,
        (error: Error) => error.message,
      );
      expect(failure).toContain("html-has-lang");
      expect(failure).toContain("label");
      expect(failure).toContain("color-contrast");
    });
  });
}
