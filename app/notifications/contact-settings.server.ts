import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Queryable } from "../../db/connection";
import { contactSettings, type NotificationChannel } from "../../db/schema";
import type { Language } from "~/i18n/config";

/**
 * A person's contact settings: their e-mail address and mobile number, the channels and the events they want to be
 * told of, and the language of the notifications. Always the logged-in person's own (never a child's).
 */

export interface ContactSettings {
  email: string | null;
  /** E.164 (+46701234567). */
  mobile: string | null;
  byEmail: boolean;
  bySms: boolean;
  onNewMessage: boolean;
  language: Language;
  updatedAt: Date;
}

/**
 * A Swedish mobile number as E.164, or null when it is not one: 07x… (10 digits) or +467x… / 00467x…, with spaces,
 * hyphens and parentheses allowed between the digits.
 */
export function swedishMobileE164(input: string): string | null {
  const compact = input.replace(/[\s\-()]/g, "");
  const national = /^07(\d{8})$/.exec(compact);
  if (national) return `+467${national[1]}`;
  const international = /^(?:\+|00)467(\d{8})$/.exec(compact);
  if (international) return `+467${international[1]}`;
  return null;
}

/** The number as a Swede writes it: 070-123 45 67. */
export function displayMobile(e164: string): string {
  const m = /^\+46(7\d)(\d{3})(\d{2})(\d{2})$/.exec(e164);
  return m ? `0${m[1]}-${m[2]} ${m[3]} ${m[4]}` : e164;
}

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v ?? "").trim());
const checkbox = z
  .string()
  .optional()
  .transform((v) => v === "on" || v === "true");

const emailAddress = z.email().max(254);

/**
 * What the form posts; errors are translation keys in the "notifications" namespace, by field. Every field is checked
 * in one step, so that each wrong field says so at once (zod skips an object's refinements after a field's error).
 */
export const contactSettingsForm = z
  .object({ email: optionalText, mobile: optionalText, byEmail: checkbox, bySms: checkbox, onNewMessage: checkbox })
  .transform((form, ctx) => {
    if (form.email !== "" && !emailAddress.safeParse(form.email).success) ctx.addIssue({ code: "custom", path: ["email"], message: "notifications:errors.email" });
    let mobile: string | null = null;
    if (form.mobile !== "") {
      mobile = swedishMobileE164(form.mobile);
      if (!mobile) ctx.addIssue({ code: "custom", path: ["mobile"], message: "notifications:errors.mobile" });
    }
    if (form.byEmail && form.email === "") ctx.addIssue({ code: "custom", path: ["email"], message: "notifications:errors.emailRequired" });
    if (form.bySms && form.mobile === "") ctx.addIssue({ code: "custom", path: ["mobile"], message: "notifications:errors.mobileRequired" });
    return { email: form.email === "" ? null : form.email, mobile, byEmail: form.byEmail, bySms: form.bySms, onNewMessage: form.onNewMessage };
  });

export type ContactSettingsInput = z.output<typeof contactSettingsForm>;

export async function readContactSettings(db: Queryable, personId: string): Promise<ContactSettings | null> {
  const [row] = await db
    .select({
      email: contactSettings.email,
      mobile: contactSettings.mobile,
      byEmail: contactSettings.byEmail,
      bySms: contactSettings.bySms,
      onNewMessage: contactSettings.onNewMessage,
      language: contactSettings.language,
      updatedAt: contactSettings.updatedAt,
    })
    .from(contactSettings)
    .where(eq(contactSettings.personId, personId));
  return row ?? null;
}

/** Saves the person's settings; channels the portal does not offer are kept off. */
export async function saveContactSettings(
  db: Queryable,
  personId: string,
  input: ContactSettingsInput & { language: Language; offered: readonly NotificationChannel[]; now: Date },
): Promise<void> {
  const values = {
    email: input.email,
    mobile: input.mobile,
    byEmail: input.byEmail && input.offered.includes("email"),
    bySms: input.bySms && input.offered.includes("sms"),
    onNewMessage: input.onNewMessage,
    language: input.language,
    updatedAt: input.now,
  };
  await db
    .insert(contactSettings)
    .values({ personId, ...values })
    .onConflictDoUpdate({ target: contactSettings.personId, set: values });
}
