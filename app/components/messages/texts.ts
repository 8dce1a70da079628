import { useTranslation } from "react-i18next";

/** The messages pages' texts (the provider kinds are the record's words) and the page's language. */
export function useMessagesTexts() {
  const { t, i18n } = useTranslation(["messages", "record"]);
  return { t, lng: i18n.language };
}

export const conversationPath = (id: string) => `/messages/${encodeURIComponent(id)}`;
export const attachmentPath = (id: string) => `/messages/attachments/${encodeURIComponent(id)}`;
