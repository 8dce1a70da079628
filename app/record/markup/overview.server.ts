import { formatDate, formatDateTime, formatNumber } from "~/i18n/format";
import { html, type Markup } from "~/utils/html.server";
import type { AppointmentView, MessageView, Overview } from "../overview.server";
import type { EntryView, Highlights } from "../queries.server";
import { sectionOrder, sectionPath } from "../sections";
import { entryMeta, entryTitle, valueMarkup } from "./entries.server";
import { hiddenEntriesNotice, takeAway } from "./section.server";
import type { RecordTexts } from "./texts.server";

function card(texts: RecordTexts, id: string, title: string, items: Markup[], empty: string, section: "results" | "medications" | "allergies"): Markup {
  const { t } = texts;
  const all = t("overview.allOf", { section: t(`nav.${section}`).toLowerCase() });
  return html`<section class="card" aria-labelledby="${id}"><h2 id="${id}">${title}</h2>${
    items.length > 0 ? html`<ul class="plain-list">${items}</ul>` : html`<p>${empty}</p>`
  }<p><a href="${sectionPath(section)}">${all}</a></p></section>`;
}

/** "Title – text", as the overview names a medication or a warning. */
function titled({ t }: RecordTexts, entry: EntryView): Markup {
  return html`<strong>${entry.title ?? t("entry.untitled")}</strong>${entry.text ? ` – ${entry.text}` : null}`;
}

/** The overview's view of the record: the newest results, current medications, and allergies and other warnings. */
export function highlightsMarkup(texts: RecordTexts, record: Highlights): Markup {
  const { t } = texts;
  const results = record.results.map(
    (r) => html`<li><strong>${entryTitle(texts, r, true)}</strong> ${valueMarkup(texts, r)}${entryMeta(texts, r)}</li>`,
  );
  const medications = record.medications.map((m) => html`<li>${titled(texts, m)}${entryMeta(texts, m)}</li>`);
  const allergies = record.allergies.map(
    (a) => html`<li>${titled(texts, a)}${a.criticality === "high" ? ` (${t("status.criticality.high")})` : null}${entryMeta(texts, a)}</li>`,
  );
  return html`<div class="overview-grid">${card(texts, "results-title", t("overview.newestResults"), results, t("overview.noResults"), "results")}${card(
    texts,
    "medications-title",
    t("overview.currentMedications"),
    medications,
    t("overview.noMedications"),
    "medications",
  )}${card(texts, "warnings-title", t("overview.warnings"), allergies, t("overview.noWarnings"), "allergies")}</div>`;
}

function appointmentItem({ t, lng }: RecordTexts, a: AppointmentView): Markup {
  return html`<li><strong><time datetime="${a.startsAt}">${formatDateTime(a.startsAt, lng)}</time></strong><br/>${a.what ?? ""}<br/><span class="muted">${
    a.careUnitName ?? t("entry.unitUnknown")
  } · ${t(`provider.${a.providerKind}`)}</span></li>`;
}

function messageItem({ t, lng }: RecordTexts, m: MessageView): Markup {
  return html`<li><strong>${m.topic ?? t("overview.untitledMessage")}</strong><br/><span class="muted">${
    m.sentAt ? t("overview.sentAt", { date: formatDate(m.sentAt, lng) }) : null
  }${m.careUnitName ? ` · ${m.careUnitName}` : null}</span></li>`;
}

/** Upcoming appointments and unread messages: what the overview shows everyone, with or without a record online. */
function comingUpMarkup(texts: RecordTexts, overview: Omit<Overview, "record">): Markup {
  const { t, lng } = texts;
  const { appointments, upcomingCount, unreadMessages, unreadCount } = overview;
  return html`<div class="overview-grid"><section class="card" aria-labelledby="appointments-title"><h2 id="appointments-title">${t(
    "overview.appointments",
  )}</h2><p>${
    upcomingCount > 0 ? t("overview.appointmentCount", { count: upcomingCount, n: formatNumber(upcomingCount, lng) }) : t("overview.noAppointments")
  }</p>${appointments.length > 0 ? html`<ul class="plain-list">${appointments.map((a) => appointmentItem(texts, a))}</ul>` : null}${
    upcomingCount > appointments.length ? html`<p class="muted">${t("overview.moreAppointments")}</p>` : null
  }</section><section class="card" aria-labelledby="messages-title"><h2 id="messages-title">${t("overview.messages")}</h2><p>${
    unreadCount > 0 ? t("overview.unreadCount", { count: unreadCount, n: formatNumber(unreadCount, lng) }) : t("overview.noMessages")
  }</p>${unreadMessages.length > 0 ? html`<ul class="plain-list">${unreadMessages.map((m) => messageItem(texts, m))}</ul>` : null}</section></div>`;
}

/**
 * The overview below its title and introduction: the hidden-entries choice (or, for a young person of 13–15, that the
 * record is not shown online), appointments and messages, then the record's highlights, the way into every section,
 * and print and download.
 */
export function overviewBody(texts: RecordTexts, overview: Overview, hideEntriesAfter: string | null, returnTo: string): Markup {
  const { t } = texts;
  const { record, ...comingUp } = overview;
  if (!record) {
    return html`<section class="notice" aria-labelledby="no-record-title"><h2 id="no-record-title">${t("overview.noRecordTitle")}</h2><p>${t(
      "overview.noRecord",
    )}</p></section>${comingUpMarkup(texts, comingUp)}`;
  }
  return html`${hiddenEntriesNotice(texts, hideEntriesAfter, returnTo)}${comingUpMarkup(texts, comingUp)}${highlightsMarkup(
    texts,
    record,
  )}<section aria-labelledby="sections-title"><h2 id="sections-title">${t("overview.sections")}</h2><p>${t(
    "overview.sectionsIntro",
  )}</p><ul class="section-links">${sectionOrder.map(
    (section) => html`<li><a href="${sectionPath(section)}">${t(`nav.${section}`)}</a></li>`,
  )}</ul></section>${takeAway(texts, null)}`;
}
