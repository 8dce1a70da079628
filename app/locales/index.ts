import enCommon from "./en/common.json";
import enIdentity from "./en/identity.json";
import enRecord from "./en/record.json";
import svCommon from "./sv/common.json";
import svIdentity from "./sv/identity.json";
import svRecord from "./sv/record.json";

export const resources = {
  sv: { common: svCommon, identity: svIdentity, record: svRecord },
  en: { common: enCommon, identity: enIdentity, record: enRecord },
} as const;
