import { outboxRelayTask } from "~/clinical/outbox/startup.server";
import { clinicalPollerTask } from "~/clinical/poller/startup.server";
import { keywordVerdictsStartupTask } from "~/disclosure/keyword-verdicts.server";
import { demoDataStartupTask } from "~/feed/demo/load.server";
import { developmentIdentityProviderTask } from "~/identity/dev-idp/startup.server";
import type { StartupTask } from "~/startup-task";

// The keywords first: demo entries loaded after them are judged as they are written. The outbox's relay delivers the
// kinds named here (booking and messages add theirs); with none, or without a clinical system, it does not run. The
// clinical poller runs with a clinical system only.
export const startupTasks: StartupTask[] = [keywordVerdictsStartupTask, demoDataStartupTask, developmentIdentityProviderTask, outboxRelayTask({}), clinicalPollerTask];
