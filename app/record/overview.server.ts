import type { Queryable } from "../../db/connection";
import { upcomingAppointments, type UpcomingAppointment } from "~/booking/appointments.server";
import { earlierTimeOffers, type EarlierTimeOffer } from "~/booking/earlier-times.server";
import { unreadConversationCount } from "~/messages/conversations.server";
import { recordHighlights, type Highlights, type RecordScope } from "./queries.server";

export type { UpcomingAppointment };

export interface Overview {
  appointments: UpcomingAppointment[];
  /** Earlier times offered for the subject's appointments, to take before they run out. */
  offers: (EarlierTimeOffer & { appointmentId: string })[];
  upcomingCount: number;
  /** The subject's conversations holding a care team's message they have not read (the messages pages show them). */
  unreadConversations: number;
  /** Null when the subject's record is not shown online (13–15): the page shows appointments and messages only. */
  record: Highlights | null;
}

export const OVERVIEW_APPOINTMENTS = 3;

/** The overview of the subject on screen: their next appointments, how many conversations are unread, the record's highlights. */
export async function loadOverview(db: Queryable, scope: RecordScope, options: { readRecord: boolean; now: Date }): Promise<Overview> {
  const subjectId = scope.subjectPersonId;
  const [upcoming, offers, unread, record] = await Promise.all([
    upcomingAppointments(db, { subjectId, now: options.now, limit: OVERVIEW_APPOINTMENTS }),
    earlierTimeOffers(db, { subjectId, now: options.now }),
    unreadConversationCount(db, { subjectId, rules: scope.rules }),
    // Not read when the record is not shown (13–15).
    options.readRecord ? recordHighlights(db, scope) : null,
  ]);
  return {
    appointments: upcoming.appointments,
    offers,
    upcomingCount: upcoming.total,
    unreadConversations: unread,
    record,
  };
}

/** What the overview shows, as the access log names it: appointments, then the record's entries (of messages, a count only). */
export function overviewRefs(overview: Overview): string[] {
  const record = overview.record;
  return [
    ...overview.appointments.map((a) => a.ref),
    ...overview.offers.map((o) => `Slot/${o.time.slotId}`),
    ...(record ? [...record.allergies, ...record.medications, ...record.results].map((e) => e.ref) : []),
  ];
}
