import { describe, expect, it } from "vitest";
import { renderStatic } from "~/components/test-render";
import { LIMITS } from "~/messages/writing-pages.server";
import { ReplyForm, SendAgainForm, type ReplyFormState } from "./reply-form";

/** The reply form as the server renders it (JavaScript off): the text and files, the counter, errors tied to fields. */

const state: ReplyFormState = { replyable: true, refusal: null, subject: "p-1", formToken: "t".repeat(24), body: "", restored: false, limits: LIMITS };

describe("the reply form", () => {
  it("posts multipart with its intent, subject and token; the counter is polite and the limits are stated", async () => {
    const html = await renderStatic(<ReplyForm state={state} answerWorkingDays={3} />, { lng: "sv", path: "/messages/c-1" });
    expect(html).toMatch(/<form method="post" action="[^"]*" enctype="multipart\/form-data"/i);
    expect(html).toContain('<input type="hidden" name="intent" value="reply"/>');
    expect(html).toContain('<input type="hidden" name="subject" value="p-1"/>');
    expect(html).toContain(`name="formToken" value="${"t".repeat(24)}"`);
    expect(html).toMatch(/aria-live="polite">4\s000 tecken kvar</);
    expect(html).toContain("Högst 5 filer, högst 10 MB var.");
    expect(html).toContain("Mottagningen svarar inom 3 arbetsdagar.");
  });

  it("a refused reply: the text back (escaped), the error next to the field and describing it, the files to choose again", async () => {
    const text = "<img src=x onerror=alert(1)>\nrad två";
    const refusal = { intent: "reply", errors: { body: { key: "messages:errors.body_too_long", values: { max: 4000, count: 12 } } }, values: { body: text }, formToken: "r".repeat(24), filesDropped: true };
    const html = await renderStatic(<ReplyForm state={state} refusal={refusal} />, { lng: "en", path: "/messages/c-1" });
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;\nrad två</textarea>");
    expect(html).not.toContain("<img");
    expect(html).toMatch(/<textarea[^>]*aria-describedby="([^"]*)-body-hint \1-counter \1-body-error" aria-invalid="true"/);
    expect(html).toContain("The message is 12 characters too long. It may be at most 4,000 characters.");
    expect(html).toContain("The files you chose were not sent.");
    expect(html).toContain(`name="formToken" value="${"r".repeat(24)}"`);
  });

  it("a closed conversation shows why instead of the form; a failed message has its send-again button", async () => {
    const closed = await renderStatic(<ReplyForm state={{ ...state, replyable: false, refusal: { key: "messages:errors.conversation_closed" } }} />, { lng: "sv" });
    expect(closed).not.toContain("<form");
    expect(closed).toContain("Mottagningen har avslutat konversationen.");
    const again = await renderStatic(<SendAgainForm outgoingId="o-1" subject="p-1" />, { lng: "en" });
    expect(again).toContain('name="intent" value="send-again"');
    expect(again).toContain('name="outgoing" value="o-1"');
    expect(again).toContain(">Send again</button>");
  });
});
