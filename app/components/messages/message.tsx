import { SendAgainForm } from "./reply-form";
import type { ConversationMessage, MessageAttachment, MessageAuthor } from "~/messages/conversations.server";
import { formatDateTime, formatNumber } from "~/i18n/format";
import { useSubjectTexts } from "~/identity/subject";
import { FailureText, StatusText } from "./status";
import { attachmentPath, useMessagesTexts } from "./texts";

/** Who wrote a message, in words: the subject themself, a guardian, a professional with their role, or the unit. */
export function AuthorText({ author }: { author: MessageAuthor }) {
  const { t } = useMessagesTexts();
  const { context } = useSubjectTexts();
  switch (author.kind) {
    case "self":
      return <>{t("author.self", context)}</>;
    case "guardian":
      return <>{author.name ? t("author.guardian", { author: author.name }) : t("author.guardianUnnamed")}</>;
    case "professional":
      return <>{author.role ? t("author.professional", { author: author.name, role: author.role.toLowerCase() }) : t("author.professionalNoRole", { author: author.name })}</>;
    case "unit":
      return <>{author.name ? t("author.unit", { unit: author.name }) : t("author.unitUnknown")}</>;
  }
}

/** A file's size in the page's language: bytes, kB or MB. */
function SizeText({ size }: { size: number }) {
  const { t, lng } = useMessagesTexts();
  if (size < 1000) return <>{t("size.bytes", { n: formatNumber(size, lng), count: size })}</>;
  if (size < 1_000_000) return <>{t("size.kB", { n: formatNumber(size / 1000, lng, { maximumFractionDigits: 0 }) })}</>;
  return <>{t("size.MB", { n: formatNumber(size / 1_000_000, lng, { maximumFractionDigits: 1 }) })}</>;
}

const TYPE_NAMES: Record<string, string> = { "application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF" };

function Attachments({ attachments, labelId }: { attachments: MessageAttachment[]; labelId: string }) {
  const { t } = useMessagesTexts();
  return (
    <div className="message-attachments">
      <h4 id={labelId}>{t("conversation.attachments")}</h4>
      <ul aria-labelledby={labelId}>
        {attachments.map((a) => (
          <li key={a.id}>
            <a href={attachmentPath(a.id)}>{a.fileName}</a> ({TYPE_NAMES[a.contentType] ?? t("conversation.otherFileType")}, <SizeText size={a.size} />)
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * One message: who wrote it and when, its text exactly as written (React escapes it; line breaks kept by CSS), the
 * status of the citizen's own, and the files attached to it.
 */
/** `subject`: whose conversation it is, for the form that sends a failed message again (none: no form). */
export function Message({ message: m, subject }: { message: ConversationMessage; subject?: string }) {
  const { t, lng } = useMessagesTexts();
  const headingId = `message-${m.id}`;
  // A failed message is still the portal's own (an outgoing row): it can be sent again.
  const sendAgain = m.status === "failed" && m.ref.startsWith("OutgoingMessage/");
  return (
    <article className={`message message--${m.direction}`} aria-labelledby={headingId}>
      <header className="message__head">
        <h3 id={headingId} className="message__author">
          <AuthorText author={m.author} />
        </h3>
        {m.at ? (
          <p className="message__when">
            <span className="visually-hidden">{t("conversation.sentAt")} </span>
            <time dateTime={m.at}>{formatDateTime(m.at, lng)}</time>
          </p>
        ) : null}
      </header>
      <div className="message__body">{m.body}</div>
      {m.attachments.length > 0 ? <Attachments attachments={m.attachments} labelId={`${headingId}-attachments`} /> : null}
      {m.status ? (
        <p className="message__status">
          {t("status.label")}: <StatusText status={m.status} />
        </p>
      ) : null}
      {m.failure ? <FailureText failure={m.failure} /> : null}
      {sendAgain && subject ? <SendAgainForm outgoingId={m.id} subject={subject} /> : null}
    </article>
  );
}
