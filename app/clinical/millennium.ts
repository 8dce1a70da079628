import { z } from "zod";

/**
 * What the portal relies on of Millennium's interfaces (../shared/docs/DOMAIN.md, "Writing back"), written once: the
 * stand-in (stand-in/) serves exactly this, and the poller, the outbox's kinds and the features read it. Where the
 * published documents are silent, the choice is said here.
 */

/**
 * The resource types whose search takes `_lastUpdated` (at most twice per query: gt/ge/lt/le/eq). Everything else the
 * read model holds reaches it by the Bulk reconciliation (`Group/{id}/$export`), by the integration platform's push,
 * or, for Appointment and the messages, by polling per person.
 */
export const LAST_UPDATED_TYPES = [
  "AllergyIntolerance",
  "Condition",
  "DiagnosticReport",
  "DocumentReference",
  "Encounter",
  "Immunization",
  "MedicationRequest",
  "Observation",
  "Patient",
  "Procedure",
  "ServiceRequest",
] as const;

/** Types that Bulk `$export` leaves out: they come by polling (Appointment, Slot) or by the Messages API. */
export const NOT_EXPORTED_TYPES = ["Appointment", "Slot", "Communication"] as const;

/** An Appointment's extensions that say whether the clinical system allows the citizen to cancel or move it. */
export const IS_CANCELABLE_URL = "https://fhir-ehr.cerner.com/r4/StructureDefinition/is-cancelable";
export const IS_RESCHEDULABLE_URL = "https://fhir-ehr.cerner.com/r4/StructureDefinition/is-reschedulable";

// The Messages API (JSON, not FHIR), at `{CLINICAL_FHIR_BASE}/patientMessages/…` and `…/actions/…`.

export const MESSAGES_PATHS = {
  sentItems: "patientMessages/sentItems",
  inboxItems: "patientMessages/inboxItems",
  message: (id: string) => `patientMessages/${encodeURIComponent(id)}`,
  updateStatus: "actions/updatePatientMessageStatus",
  validateRecipients: "actions/validateRecipients",
} as const;

/** A list answers one page of at most this many items; the portal narrows the time window for more. */
export const MESSAGE_LIST_LIMIT = 1000;
/** Without a window, a list covers the last 90 days. */
export const MESSAGE_LIST_DEFAULT_DAYS = 90;
/** updatePatientMessageStatus takes at most this many messages. */
export const MESSAGE_STATUS_BATCH = 100;

/** PERSON: the citizen (or a guardian) writing; PERSONNEL: a clinician; GROUPINBOX: a care team's shared inbox. */
export const participantSchema = z.object({
  id: z.string().min(1),
  type: z.enum(["PERSON", "PERSONNEL", "GROUPINBOX"]),
  display: z.string().optional(),
});
export type Participant = z.infer<typeof participantSchema>;

export const messageStatusSchema = z.enum(["UNREAD", "OPENED", "DELETED"]);
export type MessageStatus = z.infer<typeof messageStatusSchema>;

/**
 * A file sent with a message. The published documents name the field `attachments` on a new message, not its shape:
 * this shape is our choice, and the stand-in's. Millennium's patient-portal rules (DOMAIN.md, 1177's): PDF, GIF, JPEG
 * or PNG, decided by the content, at most ATTACHMENT_MAX_BYTES each and ATTACHMENTS_MAX_COUNT per message.
 */
export const ATTACHMENT_CONTENT_TYPES = ["application/pdf", "image/gif", "image/jpeg", "image/png"] as const;
export const ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024;
export const ATTACHMENTS_MAX_COUNT = 5;
export const newAttachmentSchema = z.object({
  fileName: z.string().min(1).max(255),
  contentType: z.string().min(1),
  /** The bytes, base64. */
  content: z.string().min(1),
});
export type NewAttachment = z.infer<typeof newAttachmentSchema>;
/** An attachment as a message gives it: lists without the content (a list would be megabytes), `patientMessages/{id}` with it. */
export const attachmentSchema = z.object({
  id: z.string().min(1),
  fileName: z.string(),
  contentType: z.string(),
  size: z.number().int().nonnegative(),
  content: z.string().optional(),
});
export type Attachment = z.infer<typeof attachmentSchema>;

/** POST patientMessages/sentItems. Millennium answers 201 with a Location header and the message as sent. */
export const newPatientMessageSchema = z.object({
  /** XHTML. */
  content: z.string().min(1),
  subject: z.string().min(1),
  messageSender: participantSchema.extend({ type: z.literal("PERSON") }),
  /** The patient the message is about (the child, when a guardian writes). */
  patientId: z.string().min(1),
  recipients: z.array(participantSchema.extend({ type: z.enum(["PERSONNEL", "GROUPINBOX"]) })).min(1),
  priority: z.enum(["HIGH", "NORMAL"]).optional(),
  /** A reply: the message answered (not a REMINDER, not in a conversation the unit closed). */
  previousMessageId: z.string().min(1).optional(),
  /** Our choice of shape (newAttachmentSchema); absent or empty: none. */
  attachments: z.array(newAttachmentSchema).optional(),
});
export type NewPatientMessage = z.infer<typeof newPatientMessageSchema>;

/** A message as the lists and `patientMessages/{id}` give it. */
export const patientMessageSchema = z.object({
  id: z.string().min(1),
  patientId: z.string().min(1),
  subject: z.string(),
  content: z.string(),
  /** ISO 8601 in UTC, whole seconds. */
  createDateTime: z.string(),
  sender: participantSchema,
  recipients: z.array(participantSchema),
  /**
   * The recipient's view of it. An inbox item's: the patient's (UNREAD, OPENED, DELETED by the patient). A sent item's:
   * the care team's, UNREAD until the unit opened it, then OPENED. The documents show status on inbox items; that a
   * sent item carries the care team's is our reading (how the portal can say "opened by the unit"), the stand-in's too.
   */
  status: messageStatusSchema.optional(),
  priority: z.enum(["HIGH", "NORMAL"]).optional(),
  previousMessageId: z.string().optional(),
  notificationType: z.enum(["MESSAGE", "REMINDER"]).default("MESSAGE"),
  /** The care unit (Organization id) of the message's encounter. */
  organizationId: z.string().optional(),
  /**
   * Whether the patient may answer it: false on a REMINDER, and on every message of a conversation the unit closed.
   * `patientMessages/{id}` gives it; the stand-in's lists give it on every item too (our choice: the documents show
   * one message shape; the poller needs it without a request per message).
   */
  canReply: z.boolean().optional(),
  attachments: z.array(attachmentSchema).optional(),
});
export type PatientMessage = z.infer<typeof patientMessageSchema>;

/** inboxItems and sentItems: `patientId`, `createDateTimeGreaterThanOrEqualTo`, `createDateTimeLessThanOrEqualTo`. */
export const messageListSchema = z.object({
  items: z.array(patientMessageSchema),
  /** True when the window held more than MESSAGE_LIST_LIMIT items: narrow it. */
  moreItemsAvailable: z.boolean().default(false),
});
export type MessageList = z.infer<typeof messageListSchema>;

/** POST actions/updatePatientMessageStatus (the stand-in answers 204). */
export const updateMessageStatusSchema = z.object({
  patientId: z.string().min(1).optional(),
  messageIds: z.array(z.string().min(1)).min(1).max(MESSAGE_STATUS_BATCH),
  status: messageStatusSchema,
});
export type UpdateMessageStatus = z.infer<typeof updateMessageStatusSchema>;

/**
 * POST actions/validateRecipients. The published documents name the action, not its shapes: these are the stand-in's
 * choice, a recipient each with whether it can receive messages.
 */
export const validateRecipientsSchema = z.object({
  patientId: z.string().min(1).optional(),
  recipients: z.array(participantSchema).min(1),
});
export const validatedRecipientsSchema = z.object({
  recipients: z.array(participantSchema.extend({ valid: z.boolean(), reason: z.string().optional() })),
});
export type ValidatedRecipients = z.infer<typeof validatedRecipientsSchema>;
