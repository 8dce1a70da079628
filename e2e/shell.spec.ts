import { expect, test, translate } from "./fixtures";

test.describe("the public shell", { tag: "@pglite" }, () => {
  test("start page speaks the browser's language and offers login", async ({ page, visit, t, lng }) => {
    await visit("/");
    await expect(page.locator("html")).toHaveAttribute("lang", lng);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(t("home:title"));
    await expect(page.getByRole("link", { name: t("home:loginAction") })).toHaveAttribute("href", "/login");
    await expect(page.getByRole("link", { name: t("skipLink") })).toBeAttached();
    await expect(page.getByRole("main")).toBeVisible();
    await expect(page.getByRole("contentinfo").getByRole("link", { name: t("footer.accessibility") })).toBeVisible();
  });

  test("skip link moves keyboard focus to the main content", async ({ page, visit, t }) => {
    await visit("/");
    await page.keyboard.press("Tab");
    const skip = page.getByRole("link", { name: t("skipLink") });
    await expect(skip).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/#main$/);
    await expect(page.locator("main")).toBeFocused();
  });

  test("accessibility statement is a real page in the active language", async ({ page, visit, scan, t }) => {
    await visit("/");
    await page.getByRole("link", { name: t("footer.accessibility") }).click();
    await expect(page).toHaveURL(/\/accessibility$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(t("accessibility:title"));
    await expect(page.getByRole("heading", { name: t("accessibility:supervisionTitle") })).toBeVisible();
    await scan();
  });

  test("an unknown address gives the localized 404 page", async ({ page, t, scan }) => {
    const response = await page.goto("/no-such-page/at-all");
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(t("errors.notFoundTitle"));
    await expect(page.getByText(/at Object|node_modules|Error:/)).toHaveCount(0);
    await scan();
  });

  test("healthz reports the database", async ({ request }) => {
    const response = await request.get("/healthz");
    expect(response.status()).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ok" });
    expect(response.headers()["cache-control"]).toBe("no-store");
  });
});

for (const javaScriptEnabled of [true, false]) {
  test.describe(`language switch with JavaScript ${javaScriptEnabled ? "on" : "off"}`, () => {
    test.use({ javaScriptEnabled });

    test("switching language keeps the page and sticks", async ({ page, visit, lng, scan, t }) => {
      const other = lng === "sv" ? "en" : "sv";
      const otherT = await translate(other);
      await visit("/accessibility");
      await page.getByRole("button", { name: t("language.switchTo") }).click();
      await expect(page).toHaveURL(/\/accessibility$/);
      await expect(page.locator("html")).toHaveAttribute("lang", other);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(otherT("accessibility:title"));
      await scan();
      await visit("/");
      await expect(page.locator("html")).toHaveAttribute("lang", other);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(otherT("home:title"));
    });
  });
}
