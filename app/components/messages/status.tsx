import type { ConversationMessage, MessageStatus } from "~/messages/conversations.server";
import { useMessagesTexts } from "./texts";

/** A citizen's message's status in words (never a colour alone). */
export function StatusText({ status }: { status: MessageStatus }) {
  const { t } = useMessagesTexts();
  return <span className={`message-status message-status--${status}`}>{t(`status.${status}`)}</span>;
}

/** Why a message was not delivered, as the clinical system said it, and that nothing written is lost. */
export function FailureText({ failure }: { failure: NonNullable<ConversationMessage["failure"]> }) {
  const { t } = useMessagesTexts();
  const why =
    failure.kind === "refused"
      ? failure.reason
        ? t("failure.refused", { reason: failure.reason })
        : t("failure.refusedNoReason")
      : t("failure.undeliverable");
  return (
    <p className="message-failure">
      {why} {t("failure.kept")}
    </p>
  );
}
