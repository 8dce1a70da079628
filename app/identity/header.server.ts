import { database } from "../../db/connection";
import { actingOptions, currentSession, decideAccess } from "./access.server";
import { sessionSettings, sessionToken } from "./session.server";

export interface PersonLabel {
  personId: string;
  givenName: string | null;
  familyName: string | null;
  /** Shown as "your child" instead of a name. */
  protectedIdentity: boolean;
  self: boolean;
}

/** What the page header shows: who is logged in, whose data is on screen, and whom else they may switch to. */
export interface HeaderIdentity {
  person: PersonLabel;
  subject: PersonLabel;
  /** The person themself and each child they may act for today. */
  choices: PersonLabel[];
  /** Whether the subject's record is shown online (not from 13 to 15): the record's own links depend on it. */
  recordShown: boolean;
  /** The "hide new entries" choice of this session, as an ISO instant. */
  hideEntriesAfter: string | null;
}

/** Null when nobody is logged in; never throws for a missing or expired session. */
export async function headerIdentity(request: Request, now: Date = new Date()): Promise<HeaderIdentity | null> {
  if (!sessionToken(request, sessionSettings())) return null;
  const session = await currentSession(request, now);
  if (!session) return null;
  const [options, decision] = await Promise.all([
    actingOptions(database(), session.personId, now),
    decideAccess(database(), session.personId, session.actingForPersonId, now),
  ]);
  const label = (o: (typeof options)[number]): PersonLabel => ({
    personId: o.personId,
    givenName: o.protectedIdentity && !o.self ? null : o.givenName,
    familyName: o.protectedIdentity && !o.self ? null : o.familyName,
    protectedIdentity: o.protectedIdentity && !o.self,
    self: o.self,
  });
  const self = options.find((o) => o.self);
  if (!self) return null;
  const subject = options.find((o) => o.personId === session.actingForPersonId) ?? self;
  return {
    person: label(self),
    subject: label(subject),
    choices: options.filter((o) => o.refusal === null).map(label),
    recordShown: decision.capabilities.includes("read_record"),
    hideEntriesAfter: session.hideEntriesAfter?.toISOString() ?? null,
  };
}
