import { Link } from "@remix-run/react";
import { formatNumber } from "~/i18n/format";
import { useMessagesTexts } from "./texts";

/** The header's way to the messages: "Messages (2 unread)", the count in words, not a badge. */
export function MessagesLink({ unread }: { unread: number }) {
  const { t, lng } = useMessagesTexts();
  return <Link to="/messages">{unread > 0 ? t("header.linkUnread", { count: unread, n: formatNumber(unread, lng) }) : t("header.link")}</Link>;
}
