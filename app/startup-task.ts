import type { Config } from "~/config.server";
import type { DatabaseHandle } from "../db/connection";

/**
 * Work an area does once at start-up, after migrations (load the demo data, start the development identity provider):
 * it may return a function that undoes it at shutdown. The list of tasks is the server's (app/server/startup.ts); this
 * file imports nothing of the areas, so an area's task and that list do not import each other.
 */
export interface StartupContext {
  config: Config;
  database: DatabaseHandle;
}

export type StartupTask = (context: StartupContext) => Promise<void | (() => Promise<void>)>;
