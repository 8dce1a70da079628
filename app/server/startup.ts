import type { Config } from "~/config.server";
import { demoDataStartupTask } from "~/feed/demo/load.server";
import { developmentIdentityProviderTask } from "~/identity/dev-idp/startup.server";
import { keywordVerdictsStartupTask } from "~/disclosure/keyword-verdicts.server";
import type { DatabaseHandle } from "../../db/connection";

export interface StartupContext {
  config: Config;
  database: DatabaseHandle;
}

/** Work done once at start-up after migrations; a task may return a function that undoes it at shutdown. */
export type StartupTask = (context: StartupContext) => Promise<void | (() => Promise<void>)>;

// The keywords first: demo entries loaded after them are judged as they are written.
export const startupTasks: StartupTask[] = [keywordVerdictsStartupTask, demoDataStartupTask, developmentIdentityProviderTask];
