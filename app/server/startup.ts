import { outboxRelayTask } from "~/clinical/outbox/startup.server";
import { clinicalPollerTask } from "~/clinical/poller/startup.server";
import { clinicalStandInTask } from "~/clinical/stand-in-task.server";
import { bookingKinds } from "~/booking/settled.server";
import { bookingPassTask } from "~/booking/startup.server";
import { messageKinds } from "~/messages/write-back.server";
import { keywordVerdictsStartupTask } from "~/disclosure/keyword-verdicts.server";
import { demoDataStartupTask } from "~/feed/demo/load.server";
import { developmentIdentityProviderTask } from "~/identity/dev-idp/startup.server";
import { notificationsTask } from "~/notifications/startup.server";
import type { StartupTask } from "~/startup-task";

// The keywords first: demo entries loaded after them are judged as they are written. Without a clinical system
// configured, its development stand-in starts before the relay, which delivers the kinds of writes named here, and
// the poller, which brings the clinical system's changes in.
export const startupTasks: StartupTask[] = [
  keywordVerdictsStartupTask,
  demoDataStartupTask,
  developmentIdentityProviderTask,
  clinicalStandInTask,
  outboxRelayTask({ ...bookingKinds, ...messageKinds }),
  clinicalPollerTask,
  bookingPassTask,
  notificationsTask,
];
