import { chromium } from "playwright";
const base = "http://localhost:3490";
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless","--no-sandbox","--disable-gpu"] });
const ctx = await browser.newContext({ locale: "en-GB", baseURL: base });
const page = await ctx.newPage();
const who = process.argv[2] ?? "10000002";
await page.goto("/login?returnTo=%2Fappointments");
await page.getByRole("link", { name: "Log in" }).click().catch(async()=>{ console.log(await page.content()); });
await page.locator('button[name="personnummer"]').first().waitFor();
const buttons = await page.locator('button[name="personnummer"]').evaluateAll(l=>l.map(b=>[b.value,b.textContent]));

const paths = process.argv.slice(3);
const pnr = buttons.find(b => b[1].includes(who))?.[0];
await page.getByRole("textbox").first().fill(pnr);
await page.getByRole("button", { name: /^Log in$/ }).click();
await page.waitForTimeout(1500);
if (page.url().includes("new-entries")) { await page.locator('input[type=radio]').first().check(); await page.locator('main button[type=submit]').click(); await page.waitForTimeout(1000); }
for (const p of paths) {
  if (p.startsWith("act:")) { const r = await page.request.post("/acting-for", { form: { subject: p.slice(4) }, headers: { Origin: base } }); console.log("act", r.status()); continue; }
  const r = await page.goto(p);
  console.log("=====", p, r?.status(), page.url());
  console.log((await page.locator("body").innerText()).slice(0, 3000));
  console.log(await page.locator("main a").evaluateAll(l=>l.map(a=>a.getAttribute("href")).join(" ")));
}
await browser.close();
