import { z } from "zod";

/**
 * The identity pages' forms, one schema per form intent. Here rather than in the route modules: a schema declared at a
 * route's top level ships the whole of zod to every visitor of the route.
 */

/** The acting-for switch: whose data to show. */
export const subjectChoiceSchema = z.object({ subject: z.string().min(1).max(200), returnTo: z.string().optional() });

/** The sessions page: end one of the person's other sessions, or all of them. */
export const sessionIntentSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("end"), sessionId: z.string().regex(/^[0-9a-f]{64}$/) }),
  z.object({ intent: z.literal("end-others") }),
]);

/** The choice at login: show every entry, or hide those of the last days. */
export const newEntriesChoiceSchema = z.object({
  show: z.enum(["all", "hide_recent"], { error: "newEntries.required" }),
  returnTo: z.string().optional(),
});
