import type { Config } from "~/config.server";
import { demoDataStartupTask } from "~/feed/demo/load.server";
import { developmentIdentityProviderTask } from "~/identity/dev-idp/startup.server";
import type { DatabaseHandle } from "../../db/connection";

export interface StartupContext {
  config: Config;
  database: DatabaseHandle;
}

/** Work done once at start-up after migrations; a task may return a function that undoes it at shutdown. */
export type StartupTask = (context: StartupContext) => Promise<void | (() => Promise<void>)>;

export const startupTasks: StartupTask[] = [demoDataStartupTask, developmentIdentityProviderTask];
