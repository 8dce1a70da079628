import { describe, expect, it } from "vitest";
import { recordSections } from "../../../db/schema/vocabulary";
import { renderStatic } from "~/components/test-render";
import type { Overview } from "~/record/overview.server";
import type { EntryView, SectionFacets } from "~/record/queries.server";
import { parseSectionFilters } from "~/record/filters.server";
import { sectionOrder, sectionPath } from "~/record/sections";
import { entryView as entry } from "~/record/test-factories";
import type { SectionPageRead } from "~/record/pages.server";
import { EntryList } from "./entry-list";
import { SectionFilterForm } from "./filter-form";
import { HiddenEntriesNotice, WithheldNotices } from "./notices";
import { ComingUp, NoRecordNotice, RecordHighlights, SectionLinks } from "./overview-cards";
import { Pager } from "./pager";
import { SectionPage } from "./section-page";
import { TakeAway } from "./take-away";

const EVIL = `<img src=x onerror="alert(1)">`;
const ESCAPED = "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;";

const FACETS: SectionFacets = {
  units: [
    { id: "u-2", name: "Vårdcentralen Örat", providerKind: "private", providerId: "p-2", providerName: "Örat AB" },
    { id: "u-1", name: `Akuten ${EVIL}`, providerKind: "region", providerId: "p-1", providerName: "Västra Götalandsregionen" },
    { id: "u-3", name: "Hemsjukvården", providerKind: "municipality", providerId: "u-3", providerName: "Hemsjukvården" },
  ],
  withheld: [],
};

const filters = (query: string) => parseSectionFilters(new URLSearchParams(query), null).filters;

/** The options of the select labelled `label`, as [value, label, selected]. */
function options(markup: string, label: string): [string, string, boolean][] {
  const id = new RegExp(`<label for="([^"]+)">${label}</label>`).exec(markup)?.[1];
  const select = new RegExp(`<select id="${id}"[^>]*>(.*?)</select>`).exec(markup)?.[1] ?? "";
  return [...select.matchAll(/<option value="([^"]*)"( selected="")?>([^<]*)<\/option>/g)].map((m) => [m[1] ?? "", m[3] ?? "", Boolean(m[2])]);
}

/** Every id the markup uses: each once, and every label and reference points at one of them. */
function expectIdsSound(markup: string) {
  const ids = [...markup.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
  expect(new Set(ids).size).toBe(ids.length);
  for (const m of markup.matchAll(/ (?:for|aria-labelledby|aria-describedby)="([^"]+)"/g)) for (const id of m[1]!.split(" ")) expect(ids).toContain(id);
}

describe("the entry list", () => {
  it("shows each section's fields, with date, care unit and kind of provider on every entry", async () => {
    const out = await renderStatic(<EntryList entries={recordSections.map((s) => entry(s, { ref: s }))} />);
    expect(out.match(/<article class="entry">/g)).toHaveLength(recordSections.length);
    expect(out.match(/<time dateTime="2026-03-05T09:30:00.000Z">5 mars 2026<\/time>/gi)).toHaveLength(recordSections.length);
    expect(out.match(/Vårdcentralen Hjärtat/g)).toHaveLength(recordSections.length);
    expect(out.match(/provider--municipality">Kommun</g)).toHaveLength(recordSections.length);
    for (const s of recordSections) expect(out).toContain(`Title of ${s}`);
    for (const text of ["Eva Ek, Sjuksköterska", "59 mmol/mol", "27–42 mmol/mol", "Över referens\u00adintervallet", "Från-enheten", "Till-enheten"]) {
      expect(out).toContain(text);
    }
    expect(out).toContain('<div class="note-text">Text of notes</div>');
  });

  it("links a numeric result to its values over time, by its code only", async () => {
    const out = await renderStatic(<EntryList entries={[entry("results", { code: "a/b c" }), entry("results", { ref: "x", valueNumber: null, valueText: "positiv" })]} />);
    expect(out).toContain('<a aria-label="Title of results över tid" href="/record/results/a%2Fb%20c">Title of results</a>');
    expect(out.match(/<a /g)).toHaveLength(1);
  });

  it("writes in the page's language: dates, numbers and words", async () => {
    const results = [entry("results", { valueNumber: 1234.5, valueUnit: null })];
    const out = await renderStatic(<EntryList entries={results} />, { lng: "en" });
    expect(out).toContain("5 March 2026");
    expect(out).toContain("1,234.5");
    expect(out).toContain("Above the reference range");
    expect(await renderStatic(<EntryList entries={results} />)).toMatch(/1\s234,5/);
  });

  it("escapes what the clinical system sent", async () => {
    const evil = recordSections.map((s) =>
      entry(s, { ref: s, title: EVIL, text: EVIL, careUnitName: EVIL, authorName: EVIL, fromUnitName: EVIL, toUnitName: EVIL, valueText: EVIL, valueUnit: EVIL, code: EVIL }),
    );
    const out = await renderStatic(<EntryList entries={evil} />);
    expect(out).not.toContain("<img");
    expect(out).toContain(ESCAPED);
  });
});

describe("the filter form", () => {
  it("is a GET form to the section's own address, each field labelled, the chosen values kept", async () => {
    const form = await renderStatic(<SectionFilterForm section="notes" filters={filters("from=2025-01-01&to=2025-12-31&provider=u-2&q=ont i halsen")} facets={FACETS} />);
    expect(form).toMatch(/<form method="get" action="\/record\/notes" class="filters__form">/);
    for (const label of ["Från datum", "Till datum", "Vårdgivare", "Sök i anteckningarna"]) expect(form).toMatch(new RegExp(`<label for="[^"]+">${label}</label>`));
    expectIdsSound(form);
    expect(form).toMatch(/name="from" type="date" aria-describedby="[^"]+" value="2025-01-01"/);
    expect(form).toMatch(/name="to" type="date" aria-describedby="[^"]+" value="2025-12-31"/);
    expect(form).toMatch(/name="q" type="search" maxLength="100" value="ont i halsen"/);
    expect(options(form, "Vårdgivare").filter(([, , selected]) => selected)).toEqual([["u-2", "Vårdcentralen Örat", true]]);
    // Anything chosen can be cleared.
    expect(form).toContain(`<a href="/record/notes">Rensa filter</a>`);
  });

  it("offers every kind of provider, then the providers and the units in Swedish order; nothing chosen means all", async () => {
    const form = await renderStatic(<SectionFilterForm section="results" filters={filters("")} facets={FACETS} />, { lng: "en" });
    expect(options(form, "Care provider").map(([value, , selected]) => `${value}${selected ? "*" : ""}`)).toEqual([
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
    expect(form).not.toContain(`name="q"`);
    expect(form).not.toContain(`name="status"`);
    expect(form).not.toContain("Clear filters");
  });

  it("asks medications for current or earlier, and no other section", async () => {
    const form = await renderStatic(<SectionFilterForm section="medications" filters={filters("status=earlier")} facets={FACETS} />);
    expect(options(form, "Visa")).toEqual([
      ["", "Alla läkemedel", false],
      ["current", "Aktuella läkemedel", false],
      ["earlier", "Tidigare läkemedel", true],
    ]);
  });

  it("names each filter given but not applied under its field, the field marked and described by it, what was typed kept", async () => {
    const query = `from=2026-13-45&to=2026-02-28&provider=${"x".repeat(65)}&q=${"a".repeat(1234)}`;
    const form = await renderStatic(<SectionFilterForm section="notes" facets={FACETS} {...parseSectionFilters(new URLSearchParams(query), "notes")} />, { lng: "en" });
    expectIdsSound(form);
    // The impossible date stays as typed (a date field would empty it); the good one is a date and not marked.
    expect(form).toMatch(/name="from" type="text" aria-describedby="[^"]+hint [^"]+from-error" aria-invalid="true" value="2026-13-45"/);
    expect(form).toMatch(/id="[^"]+from-error">Write the date as YYYY-MM-DD, for example 2026-03-15.<\/p>/);
    expect(form).toMatch(/name="to" type="date" aria-describedby="[^"]+hint" value="2026-02-28"/);
    expect(form).toMatch(/name="provider" aria-describedby="[^"]+provider-error" aria-invalid="true"/);
    expect(form).toContain("That care provider is not among the entries here.");
    expect(form).toMatch(/name="q" type="search" maxLength="100" aria-describedby="[^"]+q-error" aria-invalid="true" value="a{1000}"/);
    // The limit and the length as numbers are written in the reader's language.
    expect(form).toContain("Write at most 100 characters. The text here has 1,234.");
    expect(await renderStatic(<SectionFilterForm section="notes" facets={FACETS} {...parseSectionFilters(new URLSearchParams(query), "notes")} />)).toContain(
      "Skriv högst 100 tecken. Texten här har 1\u00a0234.",
    );
    // Nothing applies, but there is something to clear.
    expect(form).toContain(`<a href="/record/notes">Clear filters</a>`);
  });

  it("escapes every name and value that came from the record or the address", async () => {
    const form = await renderStatic(<SectionFilterForm section="notes" filters={{ page: 1, q: `"><script>alert(1)</script>` }} facets={FACETS} />);
    expect(form).not.toContain("<script");
    expect(form).not.toContain("<img");
    expect(form).toContain(`value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"`);
    expect(form).toContain(`Akuten ${ESCAPED}`);
  });
});

describe("the pager", () => {
  it("is not there when everything fits on one page", async () => {
    expect(await renderStatic(<Pager section="notes" filters={filters("")} page={1} hasNext={false} />)).toBe("");
  });

  it("links the pages before and after, keeping the filters", async () => {
    const nav = await renderStatic(<Pager section="notes" filters={filters("provider=region&q=a b")} page={2} hasNext />, { lng: "en" });
    expect(nav).toContain(`<a rel="prev" href="/record/notes?provider=region&amp;q=a+b">`);
    expect(nav).toContain(`<a rel="next" href="/record/notes?provider=region&amp;q=a+b&amp;page=3">`);
    expect(nav).toContain(`<li aria-current="page">Page 2</li>`);
    expect(nav).toContain(`aria-label="Pages"`);
  });
});

describe("the notices", () => {
  it("say all is shown, or since when new entries are hidden, and link to change it and come back (a link left off paper)", async () => {
    expect(await renderStatic(<HiddenEntriesNotice hideEntriesAfter={null} returnTo="/record/notes?q=a&page=2" />)).toContain(
      `<a class="no-print" href="/login/new-entries?returnTo=%2Frecord%2Fnotes%3Fq%3Da%26page%3D2">Ändra vad som visas</a>`,
    );
    expect(await renderStatic(<HiddenEntriesNotice hideEntriesAfter={null} returnTo="/record" />, { lng: "en" })).toContain("All information is shown");
    const hidden = await renderStatic(<HiddenEntriesNotice hideEntriesAfter="2026-11-16T10:00:00.000Z" returnTo="/record" />, { lng: "en" });
    expect(hidden).toContain(`class="notice notice--hidden"`);
    expect(hidden).toContain("16 November 2026");
    expect(await renderStatic(<HiddenEntriesNotice hideEntriesAfter="2026-11-16T10:00:00.000Z" returnTo="/record" />)).toContain("16 november 2026");
  });

  it("say neutrally whom to ask about what is withheld, and nothing when nothing is", async () => {
    expect(await renderStatic(<WithheldNotices notices={[]} />)).toBe("");
    const withheld = [
      { askName: `Mottagningen ${EVIL}`, askPhone: "010-123 45 67" },
      { askName: "BUP", askPhone: null },
      { askName: null, askPhone: null },
    ];
    const notices = await renderStatic(<WithheldNotices notices={withheld} />, { lng: "en" });
    expect(notices.match(/<p>/g)).toHaveLength(3);
    expect(notices).toContain("010-123 45 67");
    expect(notices).not.toContain("<img");
    expectIdsSound(notices);
  });
});

describe("print and download", () => {
  it("take the section as filtered, or the whole record", async () => {
    const section = await renderStatic(<TakeAway section="care_contacts" filters={filters("provider=region")} />);
    expect(section).toContain(`href="/record/print?provider=region&amp;section=care-contacts"`);
    expect(section).toMatch(/href="\/record\/export.json\?provider=region&amp;section=care-contacts" download=""/);
    const whole = await renderStatic(<TakeAway section={null} />, { lng: "en" });
    expect(whole).toContain(`href="/record/print"`);
    expect(whole).toMatch(/href="\/record\/export.json" download=""/);
    expectIdsSound(whole);
  });
});

describe("a section page", () => {
  const read = (query: string, entries: EntryView[], page = 1, hasNext = false): SectionPageRead => ({
    section: "results",
    ...parseSectionFilters(new URLSearchParams(query), "results"),
    page: { page, pageSize: 25, hasNext, entries },
    facets: FACETS,
    hideEntriesAfter: null,
  });

  it("numbers the entries shown, says when a filter is on, and has no id twice", async () => {
    const body = await renderStatic(<SectionPage data={read("provider=private&page=2", [entry("results", { ref: "1" }), entry("results", { ref: "2" })], 2)} />, {
      lng: "en",
      path: "/record/results?provider=private&page=2",
    });
    expect(body).toMatch(/<h2 id="[^"]+">Entries 26–27, newest first<\/h2>/);
    expect(body.match(/<article class="entry">/g)).toHaveLength(2);
    expect(body).toContain(`<p class="muted">Filtered list.</p>`);
    expect(body).toContain(`rel="prev"`);
    expect(body).toContain("returnTo=%2Frecord%2Fresults%3Fprovider%3Dprivate%26page%3D2");
    expectIdsSound(body);
  });

  it("says above the list that the page asked for is not there, and which is shown", async () => {
    const data = { ...read("page=9", [entry("results")], 2), filters: { page: 2 }, errors: { page: { key: "common:filterErrors.pastEnd", values: { page: 9, last: 2, count: 2 } } } };
    const body = await renderStatic(<SectionPage data={data} />, { lng: "en", path: "/record/results?page=9" });
    expect(body).toContain(`<p class="field-error" id="page-error">There is no page 9. The list has 2 pages, and the last one is shown here.</p>`);
    expect(body).toContain(`<li aria-current="page">Page 2</li>`);
    const one = { ...data, errors: { page: { key: "common:filterErrors.pastEnd", values: { page: 1000, last: 1, count: 1 } } } };
    expect(await renderStatic(<SectionPage data={one} />)).toContain("Det finns ingen sida 1\u00a0000. Listan har bara en sida, och den visas här.");
    expectIdsSound(body);
  });

  it("says so when there is nothing, or nothing that matches the filters", async () => {
    const body = (query: string) => renderStatic(<SectionPage data={{ ...read(query, []), section: "allergies" }} />);
    expect(await body("")).toContain("<p>Här finns inga uppgifter ännu.</p>");
    expect(await body("provider=region")).toContain("<p>Inga uppgifter matchar filtren.</p>");
    expect(await body("")).not.toContain(`class="pager`);
  });
});

/** An overview: two upcoming appointments (of five), one unread conversation, and a record with one of each highlight. */
function overview(over: { what: string | null; careUnitName: string | null; topic: string | null }): Overview {
  return {
    offers: [],
    appointments: [
      { id: "1", status: "booked", ref: "Appointment/1", startsAt: "2026-12-07T08:15:00.000Z", what: over.what, careUnitName: over.careUnitName, providerKind: "private" },
      { id: "2", status: "booked", ref: "Appointment/2", startsAt: "2027-01-11T13:00:00.000Z", what: over.what, careUnitName: over.careUnitName, providerKind: "region" },
    ],
    upcomingCount: 5,
    unreadConversations: 1,
    record: { results: [entry("results")], medications: [entry("medications")], allergies: [entry("allergies")] },
  };
}

describe("the overview's cards", () => {
  it("show what is coming up, what is new and what matters now, and the way into every section", async () => {
    const { record, ...comingUp } = overview({ what: "Årskontroll", careUnitName: "Vårdcentralen Hjärtat", topic: "Provsvar" });
    const out = await renderStatic(
      <>
        <ComingUp overview={comingUp} />
        <RecordHighlights record={record!} />
        <SectionLinks />
      </>,
    );
    expect(out.match(/<time dateTime="2026-12-07T08:15:00.000Z">7 december 2026 (kl\. )?0?9:15<\/time>/g)).toHaveLength(1);
    const shown = [
      "Du har 5 bokade besök.",
      "Årskontroll",
      "Vårdcentralen Hjärtat · Privat vårdgivare",
      // Five booked, two shown: it says the soonest are shown.
      "De närmaste visas här.",
      "Du har 1 konversation med olästa meddelanden från vården.",
      `<a href="/messages">Alla meddelanden</a>`,
      "Title of results",
      "59 mmol/mol",
      "Title of medications</strong> – Text of medications",
      // Each appointment leads to its page, and the card to the list of them all.
      `<a href="/appointments/1"><time dateTime="2026-12-07T08:15:00.000Z">`,
      `<a href="/appointments/2">`,
      `<a href="/appointments">Alla bokade tider</a>`,
      ...sectionOrder.map((section) => `href="${sectionPath(section)}"`),
    ];
    for (const text of shown) expect(out).toContain(text);
    expectIdsSound(out);
  });

  it("show a young person of 13–15 that the record is not shown online, and appointments and messages", async () => {
    const { record: _record, ...comingUp } = overview({ what: null, careUnitName: null, topic: null });
    const out = await renderStatic(
      <>
        <NoRecordNotice />
        <ComingUp overview={comingUp} />
      </>,
      { lng: "en" },
    );
    expect(out).toMatch(/<h2 id="[^"]+">The record is not shown online<\/h2>/);
    expect(out).toContain("You have 5 booked appointments.");
    expect(out).toContain("Unknown care unit · Region");
    expect(out).toContain("You have 1 conversation with unread messages from your care team.");
  });

  it("escape what the clinical system sent", async () => {
    const { record, ...comingUp } = overview({ what: EVIL, careUnitName: EVIL, topic: EVIL });
    const out = await renderStatic(
      <>
        <ComingUp overview={comingUp} />
        <RecordHighlights record={record!} />
      </>,
      { lng: "en" },
    );
    expect(out).not.toContain("<img");
    expect(out.split(ESCAPED).length - 1).toBeGreaterThanOrEqual(4);
  });
});
