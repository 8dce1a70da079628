import { keywordVerdictsStartupTask } from "~/disclosure/keyword-verdicts.server";
import { demoDataStartupTask } from "~/feed/demo/load.server";
import { developmentIdentityProviderTask } from "~/identity/dev-idp/startup.server";
import type { StartupTask } from "~/startup-task";

// The keywords first: demo entries loaded after them are judged as they are written.
export const startupTasks: StartupTask[] = [keywordVerdictsStartupTask, demoDataStartupTask, developmentIdentityProviderTask];
