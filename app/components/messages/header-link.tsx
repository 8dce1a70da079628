import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { formatNumber } from "~/i18n/format";

/** The header's way to the messages: "Messages (2 unread)", the count in words, not a badge (the shell's texts: every page has it). */
export function MessagesLink({ unread }: { unread: number }) {
  const { t, i18n } = useTranslation("identity");
  return <Link to="/messages">{unread > 0 ? t("header.messagesUnread", { count: unread, n: formatNumber(unread, i18n.language) }) : t("header.messages")}</Link>;
}
