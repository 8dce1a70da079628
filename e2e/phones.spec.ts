import type { Page } from "@playwright/test";
import type { TFunction } from "i18next";
import { sectionOrder, sectionPath } from "../app/record/sections";
import { expect, test } from "./fixtures";
import { castPatientId, loginAs } from "./record-helpers";

/**
 * The portal on a phone (WCAG 1.4.10, reflow): at 320 and 390 px no page is wider than the screen, the record's menu
 * is folded away so that the page's heading is on the first screen, and it opens from the keyboard, with JavaScript
 * and without. Anna has entries from the region, her municipality and a private clinic (the longest provider names);
 * Johan acts for his children.
 */

const IPHONE =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";

const phones = [
  { width: 320, height: 640 },
  { width: 390, height: 844 },
];

/**
 * Fails (softly: the journey goes on to the next page) when the document scrolls sideways, naming the elements that
 * reach furthest past the right edge: the innermost ones, outside any container of their own that scrolls or clips.
 */
async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => {
    const viewport = window.innerWidth;
    const scrollWidth = document.documentElement.scrollWidth;
    if (scrollWidth <= viewport) return null;
    const clipped = (el: Element) => {
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) if (getComputedStyle(a).overflowX !== "visible") return true;
      return false;
    };
    // How far an element reaches: its box, or the content that spills out of it (a long word in a paragraph).
    const reach = (el: Element) => Math.max(el.getBoundingClientRect().right, el.getBoundingClientRect().left + el.scrollWidth);
    const beyond = [...document.body.querySelectorAll("*")].filter((el) => reach(el) > viewport + 0.5 && !clipped(el));
    const innermost = beyond.filter((el) => !beyond.some((other) => other !== el && el.contains(other)));
    const describe = (el: Element) => {
      const classes = [...el.classList].map((c) => `.${c}`).join("");
      const id = el.id ? `#${el.id}` : "";
      const text = (el.textContent ?? "").replace(/\s+/g, " ").trim().slice(0, 40);
      return `${el.parentElement?.tagName.toLowerCase() ?? ""} > ${el.tagName.toLowerCase()}${id}${classes} "${text}" (reaches ${Math.round(
        reach(el),
      )} px)`;
    };
    const widest = innermost.sort((a, b) => reach(b) - reach(a)).slice(0, 3);
    return { scrollWidth, viewport, widest: widest.map(describe) };
  });
  expect
    .soft(
      overflow,
      overflow ? `${page.url()} is ${overflow.scrollWidth} px wide on a ${overflow.viewport} px screen; widest: ${overflow.widest.join("; ")}` : "",
    )
    .toBeNull();
}

for (const viewport of phones) {
  test.describe(`on a phone ${viewport.width} px wide`, () => {
    test.use({ viewport });

    test("every kind of page fits the screen's width", async ({ page, visit, scan, t, browser }) => {
      test.setTimeout(240_000);
      const check = async (path?: string) => {
        if (path) await visit(path);
        else await scan();
        await expectNoSidewaysScroll(page);
      };
      await check("/");
      await loginAs(page, { t, scan: check, key: "main" });
      await check();
      // The provider filter lists every unit of the section: the longest names are among notes and care contacts.
      for (const section of sectionOrder) {
        await check(sectionPath(section));
        if (section !== "results") continue;
        await openHbA1cTrend(page, t);
        await check();
        // The chart's text is read at no less than 12 px.
        const chart = page.getByRole("img", {
          name: t("trend:chartTitle", { title: "B-HbA1c" }),
        });
        const smallest = await chart.evaluate((svg) => {
          const scale = svg.clientWidth / (svg as SVGSVGElement).viewBox.baseVal.width;
          return Math.min(...[...svg.querySelectorAll("text")].map((text) => parseFloat(getComputedStyle(text).fontSize) * scale));
        });
        expect.soft(smallest, "the chart's smallest text, in px").toBeGreaterThanOrEqual(12);
      }
      await check("/record/print");
      await check("/access-log");
      // Another login of Anna's, from a phone: the sessions list has a row with its button and a device.
      const phone = await browser.newContext({ userAgent: IPHONE, viewport });
      await loginAs(await phone.newPage(), { t, scan: async () => {}, key: "main" });
      await phone.close();
      await check("/sessions");
      await check("/accessibility");
    });

    test("a guardian's pages fit the screen's width", async ({ page, visit, scan, t }) => {
      await loginAs(page, { t, scan, key: "guardian" });
      await scan();
      await expectNoSidewaysScroll(page);
      await visit("/acting-for");
      await expectNoSidewaysScroll(page);
      await page.getByLabel(t("identity:header.switchLabel")).selectOption(castPatientId("child5"));
      await page.getByRole("button", { name: t("identity:header.switchAction") }).click();
      await expect(page.getByTestId("subject")).toContainText("Elsa");
      await scan();
      await expectNoSidewaysScroll(page);
      await visit("/record/vaccinations");
      await expectNoSidewaysScroll(page);
    });
  });
}

for (const javaScriptEnabled of [true, false]) {
  test.describe(`the record's menu with JavaScript ${javaScriptEnabled ? "on" : "off"}`, () => {
    test.use({ javaScriptEnabled });

    test("on a phone it is folded, the heading is on the first screen, and the keyboard opens it", async ({ page, scan, t }) => {
      await page.setViewportSize({ width: 390, height: 844 });
      await loginAs(page, { t, scan, key: "main", returnTo: "/record/notes" });
      await scan();
      const heading = page.getByRole("heading", { level: 1 });
      await expect(heading).toHaveText(t("record:section.notes.title"));
      // Before the menu was folded the heading's bottom was at 693 px: the header and the menu filled the screen.
      const box = (await heading.boundingBox())!;
      expect(box.y + box.height, "the heading's bottom, in the top half of the first screen").toBeLessThanOrEqual(844 / 2);
      const nav = page.getByRole("navigation", { name: t("record:nav.label") });
      const toggle = nav.locator("summary");
      await expect(toggle).toHaveText(t("record:nav.menu"));
      await expect(nav.getByRole("link", { name: t("record:nav.results"), exact: true })).toBeHidden();

      // Tab to the menu's button: it shows where focus is, and Enter opens it.
      for (let i = 0; i < 30 && !(await toggle.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press("Tab");
      await expect(toggle).toBeFocused();
      expect(await toggle.evaluate((el) => getComputedStyle(el).outlineStyle)).not.toBe("none");
      await page.keyboard.press("Enter");
      const results = nav.getByRole("link", {
        name: t("record:nav.results"),
        exact: true,
      });
      await expect(results).toBeVisible();
      await expect(nav.getByRole("link", { name: t("record:nav.notes"), exact: true })).toHaveAttribute("aria-current", "page");
      await page.keyboard.press("Tab");
      await expect(nav.getByRole("link", { name: t("record:nav.overview"), exact: true })).toBeFocused();
      await results.focus();
      await page.keyboard.press("Enter");
      await expect(page).toHaveURL(new RegExp(`${sectionPath("results")}$`));
      await expect(heading).toHaveText(t("record:section.results.title"));
      // The next page starts with the menu folded again.
      await expect(nav.getByRole("link", { name: t("record:nav.notes"), exact: true })).toBeHidden();
      await scan();
    });

    test("on a wide screen it is open, with no button to fold it", async ({ page, scan, t }) => {
      await loginAs(page, { t, scan, key: "main", returnTo: "/record/notes" });
      await scan();
      const nav = page.getByRole("navigation", { name: t("record:nav.label") });
      await expect(nav.locator("summary")).toBeHidden();
      await expect(nav.getByRole("link", { name: t("record:nav.referrals"), exact: true })).toBeVisible();
    });
  });
}

test("a result's table is not cut off at 1280 px", async ({ page, scan, t }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await loginAs(page, { t, scan, key: "main", returnTo: "/record/results" });
  await scan();
  await openHbA1cTrend(page, t);
  await scan();
  const region = page.getByRole("region", {
    name: t("trend:caption", { title: "B-HbA1c" }),
  });
  const { scrollWidth, clientWidth } = await region.evaluate((el) => ({
    scrollWidth: el.scrollWidth,
    clientWidth: el.clientWidth,
  }));
  expect(scrollWidth, "the table scrolls sideways in its region").toBeLessThanOrEqual(clientWidth);
});

/** From the list of results, Anna's HbA1c over time. */
async function openHbA1cTrend(page: Page, t: TFunction) {
  await page.getByRole("link", { name: t("record:results.overTime", { title: "B-HbA1c" }) }).first().click();
  await expect(page).toHaveURL(/\/record\/results\/[^/]+$/);
}
