import type { StartupTask } from "~/startup-task";
import { logger } from "~/utils/logger";
import { registerDevelopmentIdentityProvider } from "../oidc.server";

/**
 * Without OIDC_ISSUER (development, demo, tests) the portal starts its own identity provider on loopback, so that
 * `npm start` works with no outside service. In production the configuration already refuses to start without
 * OIDC_ISSUER, and the provider refuses on its own as well.
 */
export const developmentIdentityProviderTask: StartupTask = async ({ config, database }) => {
  if (config.OIDC_ISSUER) return;
  // Loaded only here, so a production process never even loads the development provider's code.
  const { startDevelopmentIdentityProvider } = await import("./provider.server");
  const idp = await startDevelopmentIdentityProvider({
    db: () => database.db,
    port: config.DEV_IDP_PORT,
    portalOrigin: config.publicOrigin,
    personnummerClaim: config.OIDC_PERSONNUMMER_CLAIM,
    nodeEnv: config.NODE_ENV,
  });
  registerDevelopmentIdentityProvider(idp.settings);
  logger.warn({ issuer: idp.settings.issuer }, "development identity provider listening on loopback: anyone can log in as anyone");
  return async () => {
    registerDevelopmentIdentityProvider(undefined);
    await idp.stop();
  };
};
