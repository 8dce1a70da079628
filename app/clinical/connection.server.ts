import type { Config } from "~/config.server";
import type { ClinicalSettings } from "./settings.server";

let developmentStandIn: ClinicalSettings | undefined;

/**
 * Where the development stand-in of the clinical system listens, once its start-up task has started it (only when
 * the configuration names no clinical system, which production refuses); undefined again when it stops.
 */
export function registerDevelopmentClinicalSystem(settings: ClinicalSettings | undefined): void {
  developmentStandIn = settings;
}

/** The clinical system this process talks to: the configured one, else the development stand-in, else none. */
export function clinicalSettings(config: Pick<Config, "clinical">): ClinicalSettings | null {
  return config.clinical ?? developmentStandIn ?? null;
}
