import { Form } from "@remix-run/react";
import { useId } from "react";
import { useTranslation } from "react-i18next";
import { FieldMessage } from "~/components/field-error";
import type { FieldError } from "~/utils/query-fields";
import { AttachmentsField, MessageTextField, type WriteLimits } from "./message-text-field";

/** What the conversation's loader gives the reply form (writing-pages.server.ts `replyFormState`). */
export interface ReplyFormState {
  replyable: boolean;
  refusal: FieldError | null;
  subject: string;
  formToken: string;
  body: string;
  restored: boolean;
  limits: WriteLimits;
}

/** What the conversation's action gives back when a reply is refused (`conversationAction`). */
export interface ReplyRefusal {
  intent: string;
  errors: Partial<Record<"body" | "attachments" | "form" | "unit" | "topic", FieldError>>;
  values: { body: string };
  formToken: string;
  filesDropped: boolean;
}

/**
 * The reply in a conversation: the text, files and the button, posted as multipart to the conversation's own address
 * (intent `reply`). When the conversation cannot be answered, the reason instead of the form.
 */
export function ReplyForm({ state, refusal, answerWorkingDays }: { state: ReplyFormState; refusal?: ReplyRefusal | null; answerWorkingDays?: number | null }) {
  const { t } = useTranslation("messages");
  const id = useId();
  const failed = refusal?.intent === "reply" ? refusal : null;
  if (!state.replyable) {
    return (
      <section aria-labelledby={`${id}-title`} className="reply">
        <h2 id={`${id}-title`}>{t("write.replyTitle")}</h2>
        {state.refusal ? <FieldMessage id={`${id}-refusal`} error={state.refusal} /> : null}
      </section>
    );
  }
  const formError = failed?.errors.form;
  return (
    <section aria-labelledby={`${id}-title`} className="reply">
      <h2 id={`${id}-title`}>{t("write.replyTitle")}</h2>
      {state.restored && !failed ? <p className="notice">{t("write.restored")}</p> : null}
      <Form method="post" encType="multipart/form-data" noValidate aria-describedby={formError ? `${id}-form-error` : undefined}>
        <input type="hidden" name="intent" value="reply" />
        <input type="hidden" name="subject" value={state.subject} />
        <input type="hidden" name="formToken" value={failed?.formToken ?? state.formToken} />
        <FieldMessage id={`${id}-form-error`} error={formError} />
        <MessageTextField id={id} label={t("write.replyLabel")} defaultValue={failed?.values.body ?? state.body} error={failed?.errors.body} limits={state.limits} />
        <AttachmentsField id={id} error={failed?.errors.attachments} limits={state.limits} filesDropped={failed?.filesDropped ?? false} />
        {answerWorkingDays ? <p className="hint">{t("write.answerTime", { count: answerWorkingDays })}</p> : null}
        <button type="submit" className="button button--primary">
          {t("write.sendReply")}
        </button>
      </Form>
    </section>
  );
}

/** The button that sends a failed message again (intent `send-again`), beside the message and why it failed. */
export function SendAgainForm({ outgoingId, subject }: { outgoingId: string; subject: string }) {
  const { t } = useTranslation("messages");
  return (
    <Form method="post" className="send-again">
      <input type="hidden" name="intent" value="send-again" />
      <input type="hidden" name="subject" value={subject} />
      <input type="hidden" name="outgoing" value={outgoingId} />
      <button type="submit" className="button">
        {t("write.sendAgain")}
      </button>
    </Form>
  );
}
