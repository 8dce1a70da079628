import type { Texts } from "./texts";

/**
 * The Swedish texts, a namespace a line. The server loads every one of them when it starts (./index.ts); the browser
 * downloads each as a chunk of its own, those of the page it shows first and the others when a page needs them
 * (app/i18n/route-texts.ts). A route names the namespaces it needs in its `handle.i18n`.
 */
export default {
  common: () => import("./sv/common.json"),
  identity: () => import("./sv/identity.json"),
  account: () => import("./sv/account.json"),
  home: () => import("./sv/home.json"),
  accessibility: () => import("./sv/accessibility.json"),
  record: () => import("./sv/record.json"),
  print: () => import("./sv/print.json"),
  booking: () => import("./sv/booking.json"),
} satisfies Texts;
