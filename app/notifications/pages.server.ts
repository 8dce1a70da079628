import { data, redirect } from "@remix-run/node";
import { desc, sql } from "drizzle-orm";
import { database } from "../../db/connection";
import { notificationOutbox, type NotificationChannel } from "../../db/schema";
import { config } from "~/config.server";
import { languageOf } from "~/i18n/i18next.server";
import { notFound, requireSession } from "~/identity/access.server";
import { contactSettingsForm, displayMobile, readContactSettings, saveContactSettings } from "./contact-settings.server";
import type { NotificationResult } from "./delivery.server";
import type { ContactFormValues } from "./forms";

/**
 * What the notification pages load and do, for the thin route modules. The contact settings are the logged-in
 * person's own (requireSession: no subject, even while they act for a child), and not patient data: nothing to log.
 */

export type { ContactFormValues };

export type ContactFormErrors = Partial<Record<"email" | "mobile", string>>;

export async function readContactSettingsPage(request: Request) {
  const session = await requireSession(request);
  const saved = await readContactSettings(database(), session.personId);
  const values: ContactFormValues = {
    email: saved?.email ?? "",
    mobile: saved?.mobile ? displayMobile(saved.mobile) : "",
    byEmail: saved?.byEmail ?? false,
    bySms: saved?.bySms ?? false,
    onNewMessage: saved?.onNewMessage ?? true,
  };
  return {
    values,
    offered: config().NOTIFICATION_CHANNELS as NotificationChannel[],
    updatedAt: saved?.updatedAt.toISOString() ?? null,
    saved: new URL(request.url).searchParams.get("saved") === "1",
  };
}

/** Saves the settings (303 to the page with a confirmation), or answers 400 with the errors and what was posted. */
export async function saveContactSettingsPage(request: Request, now = new Date()) {
  const session = await requireSession(request);
  const form = await request.formData();
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === "string" ? value : undefined;
  };
  const posted = { email: text("email"), mobile: text("mobile"), byEmail: text("byEmail"), bySms: text("bySms"), onNewMessage: text("onNewMessage") };
  const parsed = contactSettingsForm.safeParse(posted);
  if (!parsed.success) {
    const errors: ContactFormErrors = {};
    for (const issue of parsed.error.issues) {
      const field = issue.path[0];
      if ((field === "email" || field === "mobile") && !errors[field]) errors[field] = issue.message;
    }
    const values: ContactFormValues = {
      email: posted.email ?? "",
      mobile: posted.mobile ?? "",
      byEmail: posted.byEmail === "on",
      bySms: posted.bySms === "on",
      onNewMessage: posted.onNewMessage === "on",
    };
    return data({ errors, values }, { status: 400 });
  }
  await saveContactSettings(database(), session.personId, {
    ...parsed.data,
    language: await languageOf(request),
    offered: config().NOTIFICATION_CHANNELS,
    now,
  });
  throw redirect("/settings/contact?saved=1", 303);
}

export interface SentNotification {
  id: number;
  at: string;
  channel: NotificationChannel;
  to: string;
  text: string;
}

/**
 * The development sink's list: what would have been sent, newest first. Only in development and tests (404
 * otherwise), and without a login: the addresses are those a developer typed on the settings page of a demo person.
 */
export async function readDevelopmentNotificationsPage(limit = 100): Promise<{ sent: SentNotification[] }> {
  const env = config().NODE_ENV;
  if (env !== "development" && env !== "test") throw notFound();
  const rows = await database()
    .select({ id: notificationOutbox.id, finishedAt: notificationOutbox.finishedAt, result: notificationOutbox.result })
    .from(notificationOutbox)
    .where(sql`${notificationOutbox.state} = 'delivered' and ${notificationOutbox.result} ->> 'sink' = 'development'`)
    .orderBy(desc(notificationOutbox.id))
    .limit(limit);
  return {
    sent: rows.map((r) => {
      const result = r.result as NotificationResult;
      return { id: r.id, at: (r.finishedAt ?? new Date()).toISOString(), channel: result.channel, to: result.to, text: result.text };
    }),
  };
}
