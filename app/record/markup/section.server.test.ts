import { describe, expect, it } from "vitest";
import { html } from "~/utils/html.server";
import type { SectionFacets } from "../queries.server";
import { parseSectionFilters } from "../sections";
import { filterForm, hiddenEntriesNotice, pager, sectionBody, takeAway, withheldNotices } from "./section.server";
import { textsIn } from "./texts.server";

const EVIL = `<img src=x onerror="alert(1)">`;
const sv = textsIn("sv");
const en = textsIn("en");

const FACETS: SectionFacets = {
  units: [
    { id: "u-2", name: "Vårdcentralen Örat", providerKind: "private", providerId: "p-2", providerName: "Örat AB" },
    { id: "u-1", name: `Akuten ${EVIL}`, providerKind: "region", providerId: "p-1", providerName: "Västra Götalandsregionen" },
    { id: "u-3", name: "Hemsjukvården", providerKind: "municipality", providerId: "u-3", providerName: "Hemsjukvården" },
  ],
  withheld: [],
};

const filters = (query: string) => parseSectionFilters(new URLSearchParams(query));

/** The options of a select, as [value, label, selected]. */
function options(markup: string, selectId: string): [string, string, boolean][] {
  const select = new RegExp(`<select id="${selectId}"[^>]*>(.*?)</select>`).exec(markup)?.[1] ?? "";
  return [...select.matchAll(/<option value="([^"]*)"( selected="")?>([^<]*)<\/option>/g)].map((m) => [m[1] ?? "", m[3] ?? "", Boolean(m[2])]);
}

describe("the filter form", () => {
  it("is a GET form to the section's own address, each field labelled, the chosen values kept", () => {
    const form = filterForm(sv, "notes", filters("from=2025-01-01&to=2025-12-31&provider=u-2&q=ont i halsen"), FACETS).html;
    expect(form).toContain(`<form method="get" action="/record/notes" class="filters__form">`);
    for (const id of ["filter-from", "filter-to", "filter-provider", "filter-q"]) {
      expect(form).toContain(`<label for="${id}">`);
      expect(form).toContain(`id="${id}"`);
    }
    expect(form).toContain(`name="from" type="date" aria-describedby="filter-date-hint" value="2025-01-01"`);
    expect(form).toContain(`name="to" type="date" aria-describedby="filter-date-hint" value="2025-12-31"`);
    expect(form).toContain(`name="q" type="search" maxlength="100" value="ont i halsen"`);
    expect(options(form, "filter-provider").filter(([, , selected]) => selected)).toEqual([["u-2", "Vårdcentralen Örat", true]]);
    // Anything chosen can be cleared.
    expect(form).toContain(`<a href="/record/notes">Rensa filter</a>`);
  });

  it("offers every kind of provider, then the providers and the units in Swedish order; nothing chosen means all", () => {
    const form = filterForm(en, "results", filters(""), FACETS).html;
    expect(options(form, "filter-provider").map(([value, , selected]) => `${value}${selected ? "*" : ""}`)).toEqual([
      "*",
      "region",
      "municipality",
      "private",
      "unknown",
      // Providers by name in Swedish order (Ö after V); a unit that is its own provider is only a unit.
      "p-1",
      "p-2",
      "u-2",
      "u-1",
      "u-3",
    ]);
    expect(form).toContain(`<optgroup label="Kind of provider">`);
    expect(form).not.toContain("filter-q");
    expect(form).not.toContain("filter-status");
    expect(form).not.toContain("Clear filters");
  });

  it("asks medications for current or earlier, and no other section", () => {
    const form = filterForm(sv, "medications", filters("status=earlier"), FACETS).html;
    expect(options(form, "filter-status")).toEqual([
      ["", "Alla läkemedel", false],
      ["current", "Aktuella läkemedel", false],
      ["earlier", "Tidigare läkemedel", true],
    ]);
  });

  it("escapes every name and value that came from the record or the address", () => {
    const form = filterForm(sv, "notes", { page: 1, q: `"><script>alert(1)</script>` }, FACETS).html;
    expect(form).not.toContain("<script");
    expect(form).not.toContain("<img");
    expect(form).toContain(`value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"`);
    expect(form).toContain("Akuten &lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
  });
});

describe("the pager", () => {
  it("is not there when everything fits on one page", () => {
    expect(pager(sv, "notes", filters(""), 1, false)).toBeNull();
  });

  it("links the pages before and after, keeping the filters", () => {
    const nav = pager(en, "notes", filters("provider=region&q=a b"), 2, true)?.html ?? "";
    expect(nav).toContain(`<a href="/record/notes?provider=region&amp;q=a+b" rel="prev">`);
    expect(nav).toContain(`<a href="/record/notes?provider=region&amp;q=a+b&amp;page=3" rel="next">`);
    expect(nav).toContain(`<li aria-current="page">Page 2</li>`);
    expect(nav).toContain(`aria-label="Pages"`);
  });
});

describe("the notices", () => {
  it("say all is shown, or since when new entries are hidden, and link to change it and come back", () => {
    expect(hiddenEntriesNotice(sv, null, "/record/notes?q=a&page=2").html).toContain(
      `<a href="/login/new-entries?returnTo=%2Frecord%2Fnotes%3Fq%3Da%26page%3D2">Ändra vad som visas</a>`,
    );
    expect(hiddenEntriesNotice(en, null, "/record").html).toContain("All information is shown");
    const hidden = hiddenEntriesNotice(en, "2026-11-16T10:00:00.000Z", "/record").html;
    expect(hidden).toContain(`class="notice notice--hidden"`);
    expect(hidden).toContain("16 November 2026");
    expect(hiddenEntriesNotice(sv, "2026-11-16T10:00:00.000Z", "/record").html).toContain("16 november 2026");
  });

  it("say neutrally whom to ask about what is withheld, and nothing when nothing is", () => {
    expect(withheldNotices(sv, [])).toBeNull();
    const notices = withheldNotices(en, [
      { askName: `Mottagningen ${EVIL}`, askPhone: "010-123 45 67" },
      { askName: "BUP", askPhone: null },
      { askName: null, askPhone: null },
    ])?.html;
    expect(notices?.match(/<p>/g)).toHaveLength(3);
    expect(notices).toContain("010-123 45 67");
    expect(notices).not.toContain("<img");
  });
});

describe("print and download", () => {
  it("take the section as filtered, or the whole record", () => {
    const section = takeAway(sv, "care_contacts", filters("provider=region")).html;
    expect(section).toContain(`href="/record/print?provider=region&amp;section=care-contacts"`);
    expect(section).toContain(`href="/record/export.json?provider=region&amp;section=care-contacts" download=""`);
    const whole = takeAway(en, null).html;
    expect(whole).toContain(`href="/record/print"`);
    expect(whole).toContain(`href="/record/export.json" download=""`);
  });
});

describe("a section page's body", () => {
  const page = { page: 1, pageSize: 25, hasNext: false };

  it("numbers the entries shown, and says when a filter is on", () => {
    const body = sectionBody(en, {
      section: "results",
      filters: filters("provider=private&page=2"),
      page: { page: 2, pageSize: 25, hasNext: false },
      facets: FACETS,
      entries: { list: html`<ol class="entries"><li>one</li><li>two</li></ol>`, count: 2 },
      hideEntriesAfter: null,
      returnTo: "/record/results?provider=private&page=2",
    }).html;
    expect(body).toContain(`<h2 id="entries-title">Entries 26–27, newest first</h2>`);
    expect(body).toContain(`<ol class="entries"><li>one</li><li>two</li></ol>`);
    expect(body).toContain(`<p class="muted">Filtered list.</p>`);
    expect(body).toContain(`rel="prev"`);
  });

  it("says so when there is nothing, or nothing that matches the filters", () => {
    const body = (query: string) =>
      sectionBody(sv, { section: "allergies", filters: filters(query), page, facets: FACETS, entries: null, hideEntriesAfter: null, returnTo: "/" })
        .html;
    expect(body("")).toContain("<p>Här finns inga uppgifter ännu.</p>");
    expect(body("provider=region")).toContain("<p>Inga uppgifter matchar filtren.</p>");
    expect(body("")).not.toContain(`class="pager`);
  });
});
