import { describe, expect, it } from "vitest";
import type { Conversation, ConversationMessage, ConversationSummary } from "~/messages/conversations.server";
import { renderStatic } from "~/components/test-render";
import { ConversationMessages, ConversationUnit } from "./conversation";
import { MessagesLink } from "./header-link";
import { InboxList, InboxPager } from "./inbox-list";
import { Message } from "./message";

/**
 * What the messages pages show: the inbox, a conversation with its authors and statuses in words, and the text of a
 * message exactly as written, never as markup.
 */

function message(over: Partial<ConversationMessage> = {}): ConversationMessage {
  return {
    ref: "Communication/m-1",
    id: "m-1",
    direction: "care",
    author: { kind: "professional", name: "Eva Ek", role: "Distriktssköterska" },
    at: "2026-11-28T09:00:00.000Z",
    body: "Hej!\nVälkommen.",
    status: null,
    failure: null,
    attachments: [],
    ...over,
  };
}

function conversation(over: Partial<Omit<Conversation, "unreadIds">> = {}): Omit<Conversation, "unreadIds"> {
  return {
    id: "m-1",
    topic: "Provsvar",
    unit: { id: "u-1", name: "Vårdcentralen Kungshöjd", providerKind: "region", phone: "010-473 00 00", answerWorkingDays: 3 },
    canReply: true,
    messages: [message()],
    ...over,
  };
}

/** Every id the markup uses: each once, and every label and reference points at one of them. */
function expectIdsSound(markup: string) {
  const ids = [...markup.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
  expect(new Set(ids).size).toBe(ids.length);
  for (const m of markup.matchAll(/ (?:for|aria-labelledby|aria-describedby)="([^"]+)"/g)) for (const id of m[1]!.split(" ")) expect(ids).toContain(id);
}

/** The body's element in the markup, and its text as the browser reads it back. */
function bodyText(markup: string): string {
  const match = /<div class="message__body">([\s\S]*?)<\/div>/.exec(markup);
  if (!match) throw new Error("no message body");
  return match[1]!.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&quot;", '"').replaceAll("&#x27;", "'").replaceAll("&amp;", "&");
}

describe("a message's text", () => {
  const bodies = [
    `<script>alert("x")</script>`,
    `<b>fet</b> <img src=x onerror="alert(1)"> &amp; &lt;`,
    "שלום, מה שלומך? مرحبا",
    "e\u0301 a\u0308 Å\u030A",
    "noll\u200Bbredd\u200D\u2060\uFEFFtecken\u202Eomvänd",
    "👩‍👩‍👧 🇸🇪 👍🏽",
    "rad ett\nrad två\n\n  indragen",
  ];

  it("renders as exactly that text, never markup", async () => {
    for (const body of bodies) {
      const out = await renderStatic(<Message message={message({ body })} />);
      expect(bodyText(out), JSON.stringify(body)).toBe(body);
      expect(out).not.toContain("<script");
      expect(out).not.toContain("<b>");
      expect(out).not.toContain("<img");
    }
  });

  it("keeps its line breaks (pre-wrap)", async () => {
    const css = await import("node:fs").then((fs) => fs.readFileSync(new URL("./messages.css", import.meta.url), "utf8"));
    expect(css).toMatch(/\.message__body \{[^}]*white-space: pre-wrap/);
  });
});

describe("a conversation", () => {
  it("names its clinic, the provider, the answer time and the phone", async () => {
    const out = await renderStatic(<ConversationUnit conversation={conversation()} />);
    for (const text of ["Vårdcentralen Kungshöjd", "(Region)", "Mottagningen svarar inom 3 arbetsdagar.", `<a href="tel:0104730000">010-473 00 00</a>`]) expect(out).toContain(text);
    const none = await renderStatic(<ConversationUnit conversation={conversation({ unit: { ...conversation().unit, answerWorkingDays: null, phone: null } })} />, { lng: "en" });
    expect(none).not.toContain("working day");
    expect(none).not.toContain("tel:");
  });

  it("shows each message's author and, for the citizen's own, its status in words", async () => {
    const out = await renderStatic(
      <ConversationMessages
        conversation={conversation({
          messages: [
            message({ id: "a", ref: "Communication/a", direction: "patient", author: { kind: "self" }, status: "answered" }),
            message({ id: "b", ref: "Communication/b" }),
            message({ id: "c", ref: "Communication/c", direction: "patient", author: { kind: "guardian", name: "Johan Lindqvist" }, status: "read" }),
            message({ id: "d", ref: "Communication/d", author: { kind: "unit", name: "Vårdcentralen Kungshöjd" } }),
            message({ id: "e", ref: "OutgoingMessage/e", direction: "patient", author: { kind: "self" }, status: "delivered" }),
            message({ id: "f", ref: "OutgoingMessage/f", direction: "patient", author: { kind: "self" }, status: "sending" }),
            message({ id: "g", ref: "OutgoingMessage/g", direction: "patient", author: { kind: "self" }, status: "failed", failure: { kind: "refused", reason: "Mottagaren är stängd" } }),
          ],
        })}
      />,
    );
    for (const text of [
      `<h3 id="message-a" class="message__author">Du</h3>`,
      "Status: <span class=\"message-status message-status--answered\">Besvarat</span>",
      ">Eva Ek, distriktssköterska</h3>",
      ">Johan Lindqvist, vårdnadshavare</h3>",
      "Läst av mottagningen",
      ">Vårdcentralen Kungshöjd</h3>",
      "Skickat till mottagningen",
      "Skickas",
      "Kunde inte skickas",
      "Mottagningen tog inte emot meddelandet: Mottagaren är stängd Din text är sparad.",
      `<time dateTime="2026-11-28T09:00:00.000Z">`,
    ])
      expect(out).toContain(text);
    expect(out).not.toContain("Det går inte att svara");
    expectIdsSound(out);
  });

  it("lists the citizen's attachments as links to their download, and says when it cannot be answered", async () => {
    const withFiles = conversation({
      canReply: false,
      messages: [
        message({ direction: "patient", author: { kind: "self" }, status: "delivered", attachments: [{ id: "f-1", fileName: "utslag <1>.jpg", contentType: "image/jpeg", size: 245_000 }] }),
      ],
    });
    const out = await renderStatic(<ConversationMessages conversation={withFiles} />, { lng: "en" });
    expect(out).toContain(`<a href="/messages/attachments/f-1">utslag &lt;1&gt;.jpg</a> (JPEG, 245 kB)`);
    expect(out).toContain("This conversation cannot be answered.");
    expectIdsSound(out);
  });
});

describe("the inbox", () => {
  const summary = (over: Partial<ConversationSummary> = {}): ConversationSummary => ({
    id: "t-1",
    ref: "Communication/t-1",
    topic: "Provsvar",
    unit: { id: "u-1", name: "Hemsjukvården", providerKind: "municipality" },
    lastMessageAt: "2026-11-28T09:00:00.000Z",
    unread: false,
    ...over,
  });

  it("lists each conversation by topic with its clinic, provider and latest time, and says unread in words", async () => {
    const out = await renderStatic(<InboxList conversations={[summary({ unread: true }), summary({ id: "t/2", topic: null, unit: { id: null, name: null, providerKind: "unknown" } })]} />);
    for (const text of [
      `<a href="/messages/t-1"><span class="unread-mark">Oläst: </span>Provsvar</a>`,
      "Hemsjukvården · Kommun",
      `<a href="/messages/t%2F2">Meddelande utan ämne</a>`,
      "Mottagningen · Okänd vårdgivare",
      `Senaste meddelandet <time dateTime="2026-11-28T09:00:00.000Z">`,
    ])
      expect(out).toContain(text);
    expect(await renderStatic(<InboxList conversations={[]} />)).toContain("Du har inga meddelanden.");
  });

  it("escapes what the clinical system sent as topic and unit", async () => {
    const evil = `<img src=x onerror="alert(1)">`;
    const out = await renderStatic(<InboxList conversations={[summary({ topic: evil, unit: { id: "u", name: evil, providerKind: "private" } })]} />);
    expect(out).not.toContain("<img");
  });

  it("pages: previous and next where there are some", async () => {
    expect(await renderStatic(<InboxPager page={1} pageCount={1} />)).toBe("");
    const middle = await renderStatic(<InboxPager page={2} pageCount={3} />);
    expect(middle).toContain(`<a rel="prev" href="/messages">Föregående sida</a>`);
    expect(middle).toContain(`<a rel="next" href="/messages?page=3">Nästa sida</a>`);
    expect(middle).toContain("Sida 2 av 3");
  });

  it("is named in the header with the unread count in words", async () => {
    expect(await renderStatic(<MessagesLink unread={2} />)).toBe(`<a href="/messages">Meddelanden (2 olästa)</a>`);
    expect(await renderStatic(<MessagesLink unread={1} />, { lng: "en" })).toBe(`<a href="/messages">Messages (1 unread)</a>`);
    expect(await renderStatic(<MessagesLink unread={0} />)).toBe(`<a href="/messages">Meddelanden</a>`);
  });
});
