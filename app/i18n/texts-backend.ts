import type { BackendModule } from "i18next";
import type { Texts } from "~/locales/texts";

/** An i18next backend that imports a namespace's file of one language (app/locales/sv.ts, en.ts). */
export function textsBackend(texts: Texts): BackendModule {
  return {
    type: "backend",
    init() {},
    read(_lng, ns, callback) {
      const load = texts[ns];
      if (!load) return callback(new Error(`no namespace "${ns}" in app/locales`), false);
      load().then(
        (module) => callback(null, module.default),
        (error: Error) => callback(error, false),
      );
    },
  };
}
