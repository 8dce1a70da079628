import type { BackendModule } from "i18next";
import type { Texts } from "~/locales/texts";

/**
 * An i18next backend that imports a namespace's file in a language (app/locales/sv.ts, en.ts): each is a chunk of its
 * own, downloaded the first time it is asked for.
 */
export function textsBackend(texts: Record<string, Texts>): BackendModule {
  return {
    type: "backend",
    init() {},
    read(lng, ns, callback) {
      const load = texts[lng]?.[ns];
      if (!load) return callback(new Error(`no namespace "${ns}" in app/locales/${lng}.ts`), false);
      load().then(
        (module) => callback(null, module.default),
        (error: Error) => callback(error, false),
      );
    },
  };
}
