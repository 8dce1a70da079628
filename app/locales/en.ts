import type sv from "./sv";
import type { Texts } from "./texts";

/** The English texts, a namespace a line: the same namespaces as sv.ts (see there). */
export default {
  common: () => import("./en/shell").then(({ common }) => ({ default: common })),
  identity: () => import("./en/shell").then(({ identity }) => ({ default: identity })),
  account: () => import("./en/account.json"),
  home: () => import("./en/home.json"),
  accessibility: () => import("./en/accessibility.json"),
  record: () => import("./en/record.json"),
  overview: () => import("./en/overview.json"),
  trend: () => import("./en/trend.json"),
  print: () => import("./en/print.json"),
  booking: () => import("./en/booking.json"),
  messages: () => import("./en/messages.json"),
  notifications: () => import("./en/notifications.json"),
} satisfies Texts<keyof typeof sv>;
