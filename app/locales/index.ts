import enDevIdp from "./en/dev-idp.json";
import en from "./en";
import svDevIdp from "./sv/dev-idp.json";
import sv from "./sv";
import { loadAll } from "./texts";

/**
 * Every text of the portal in both languages, for the server, loaded once when the server starts. The browser
 * loads the namespaces of the page it shows (entry.client); the development identity provider's pages are the
 * server's own ("dev-idp").
 */
export const resources = {
  sv: { ...(await loadAll(sv)), "dev-idp": svDevIdp },
  en: { ...(await loadAll(en)), "dev-idp": enDevIdp },
} as const;

export type Namespace = keyof typeof sv;
