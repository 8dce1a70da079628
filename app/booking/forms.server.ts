import { z } from "zod";
import { BOOKING_WEEKS } from "./rules";

/**
 * The booking pages' forms, one schema per form intent (kept out of the route modules: a schema at a route's top level
 * ships zod to every visitor). Error messages are translation keys, shown next to their field.
 */

export const REASON_MAX = 500;

const slotId = z.string().trim().min(1).max(200);
const reason = z
  .string()
  .max(REASON_MAX, { error: "booking:errors.reason_too_long" })
  .optional()
  .transform((text) => text?.trim() || null);

/** The confirmation page: book this time for this subject (the subject the page was shown for). */
export const bookSchema = z.object({ slot: slotId, subject: z.string().min(1).max(200), reason });

/** An appointment's page: cancel it, with a reason if the citizen gives one; or ask for, stop, take or decline an earlier time. */
export const appointmentIntentSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("cancel"), reason }),
  z.object({ intent: z.enum(["ask-earlier", "stop-earlier", "take-offer", "decline-offer"]) }),
]);

/** The reschedule page: move the appointment to this time. */
export const moveSchema = z.object({ intent: z.literal("move"), slot: slotId });

/** The address's `?slot=` of the confirmation page. */
export const slotQuerySchema = z.object({ slot: slotId });

/**
 * The address's `?week=` (0 = this week, up to BOOKING_WEEKS - 1). None: this week. Anything else is an address that
 * does not exist (null: the page answers 404), the same answer whatever was written.
 */
export function weekOf(params: URLSearchParams): number | null {
  const given = params.get("week");
  if (given === null || given === "") return 0;
  if (!/^\d{1,2}$/.test(given)) return null;
  const week = Number(given);
  return week < BOOKING_WEEKS ? week : null;
}

/** A form's fields as an object (the last value of a name wins), for a schema. */
export async function formFields(request: Request): Promise<Record<string, string>> {
  const fields: Record<string, string> = {};
  for (const [name, value] of await request.formData()) if (typeof value === "string") fields[name] = value;
  return fields;
}

/** A field's first error as a translation key (the schema's own, or the form's "could not be read"). */
export function fieldErrorsOf(error: z.ZodError): Record<string, { key: string }> {
  const errors: Record<string, { key: string }> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "form");
    errors[field] ??= { key: issue.message.startsWith("booking:") ? issue.message : "booking:errors.malformed" };
  }
  return errors;
}
