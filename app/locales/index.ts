import enDevIdp from "./en/dev-idp.json";
import en from "./en";
import svDevIdp from "./sv/dev-idp.json";
import sv from "./sv";

/**
 * Every text of the portal in both languages, for the server. The browser loads the texts of one language
 * (entry.client); the development identity provider's pages are the server's own ("dev-idp").
 */
export const resources = {
  sv: { ...sv, "dev-idp": svDevIdp },
  en: { ...en, "dev-idp": enDevIdp },
} as const;
