import enCommon from "./en/common.json";
import enIdentity from "./en/identity.json";
import svCommon from "./sv/common.json";
import svIdentity from "./sv/identity.json";

export const resources = {
  sv: { common: svCommon, identity: svIdentity },
  en: { common: enCommon, identity: enIdentity },
} as const;
