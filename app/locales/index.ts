import enCommon from "./en/common.json";
import svCommon from "./sv/common.json";

export const resources = {
  sv: { common: svCommon },
  en: { common: enCommon },
} as const;
