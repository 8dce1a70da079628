import type { Texts } from "./texts";

/**
 * The Swedish texts, a namespace a line. The server loads every one of them when it starts (./index.ts); the browser
 * downloads each as a chunk of its own (but the shell's two, which every page needs, in one: ./sv/shell.ts), those of
 * the page it shows first and the others when a page needs them (app/i18n/route-texts.ts). A route names the
 * namespaces it needs in its `handle.i18n`; a new namespace is a line here and one in en.ts.
 */
export default {
  common: () => import("./sv/shell").then(({ common }) => ({ default: common })),
  identity: () => import("./sv/shell").then(({ identity }) => ({ default: identity })),
  account: () => import("./sv/account.json"),
  home: () => import("./sv/home.json"),
  accessibility: () => import("./sv/accessibility.json"),
  record: () => import("./sv/record.json"),
  overview: () => import("./sv/overview.json"),
  trend: () => import("./sv/trend.json"),
  print: () => import("./sv/print.json"),
  booking: () => import("./sv/booking.json"),
  messages: () => import("./sv/messages.json"),
  notifications: () => import("./sv/notifications.json"),
} satisfies Texts;
