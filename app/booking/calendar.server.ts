import { TZDate } from "@date-fns/tz";
import { ICalCalendarMethod, ICalEventStatus, ICalCalendar } from "ical-generator";
import { tzlib_get_ical_block } from "timezones-ical-library";

/** The appointment as a calendar event: one version of it. */
export interface CalendarAppointment {
  /** Stable per appointment: every version of the file carries the same UID. */
  uid: string;
  /** Rises with each change (the appointment's version): calendars replace the event with a higher SEQUENCE. */
  sequence: number;
  cancelled: boolean;
  start: Date;
  end: Date;
  summary: string;
  location: string | null;
  description: string | null;
  /** When this version was made (DTSTAMP). */
  stamp: Date;
  /** Link back to the appointment page (absolute URL), optional. */
  url?: string;
}

const ZONE = "Europe/Stockholm";

/**
 * The VTIMEZONE of Swedish time. Since tzdata 2022b Europe/Stockholm is a link to Europe/Berlin (same rules since
 * 1980), so the library answers with Berlin's block; we name it as the events do, or a calendar could not match them.
 */
function vtimezone(zone: string): string {
  const block = tzlib_get_ical_block(zone);
  const text = Array.isArray(block) ? block[0] : block;
  if (!text?.startsWith("BEGIN:VTIMEZONE")) throw new Error(`No VTIMEZONE for ${zone}`);
  return text.replace(/^(TZID|X-LIC-LOCATION):.*$/gm, `$1:${zone}`);
}

/**
 * The .ics file of one appointment: METHOD:PUBLISH, or METHOD:CANCEL with STATUS:CANCELLED once it is cancelled.
 * Times are Swedish wall time with TZID=Europe/Stockholm. ical-generator writes a native Date's *process-local*
 * fields when a zone is set, so the instants go in as TZDate in Swedish time, whatever the server's zone.
 */
export function calendarFile(appointment: CalendarAppointment): string {
  const calendar = new ICalCalendar({
    prodId: { company: "Västra Götalandsregionen", product: "Invånarportal", language: "SV" },
    method: appointment.cancelled ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.PUBLISH,
    // The zone goes on the event alone: a calendar-wide zone would write DTSTAMP in local time too, and RFC 5545
    // wants it in UTC. The generator still adds the VTIMEZONE of every zone the events use.
    timezone: { name: null, generator: vtimezone },
  });
  calendar.createEvent({
    id: appointment.uid,
    sequence: appointment.sequence,
    start: new TZDate(appointment.start.getTime(), ZONE),
    end: new TZDate(appointment.end.getTime(), ZONE),
    timezone: ZONE,
    stamp: appointment.stamp,
    summary: appointment.summary,
    location: appointment.location,
    description: appointment.description,
    url: appointment.url ?? null,
    status: appointment.cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
  });
  return calendar.toString();
}
