import type { Appointment, Resource } from "@medplum/fhirtypes";
import type { PatientMessage } from "../millennium";

/** What the care team can do in the stand-in (tests, the care-team page, `npm run clinical:care-team`). */
export interface CareTeamAttachment {
  fileName: string;
  contentType: string;
  content: Buffer;
}

export interface CareTeam {
  /**
   * An answer to a message, from a practitioner (PERSONNEL, named) or else the unit's group inbox. Content: text or
   * XHTML. Answering opens the message answered (the unit has read it).
   */
  reply(messageId: string, options: { content: string; from?: string; attachment?: CareTeamAttachment }): Promise<PatientMessage>;
  /** The unit opens a citizen's message: its sent item's status becomes OPENED. */
  open(messageId: string): Promise<PatientMessage>;
  /** The unit closes the message's conversation: no more replies (canReply false on all of it; a reply is 422). */
  close(messageId: string): Promise<PatientMessage>;
  /** A new message to the patient from a unit's group inbox (Organization id). */
  send(patientId: string, options: { subject: string; content: string; fromUnit: string; notificationType?: "MESSAGE" | "REMINDER" }): Promise<PatientMessage>;
  /** The clinic cancels: the appointment is cancelled (a new version) and its slot is free again. */
  cancelAppointment(appointmentId: string, reason?: string): Promise<Appointment>;
  /** A new version of a resource, unchanged but for meta: a `_lastUpdated` change for the poller. */
  touch(type: string, id: string): Promise<Resource>;
  /** A resource recorded: new (version 0) or a new version of one held. */
  record(resource: Resource & { id: string }): Promise<Resource>;
}
