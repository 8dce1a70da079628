import type { Queryable } from "../../db/connection";
import { decideAccess } from "./access.server";
import { setHideEntriesAfter } from "./session.server";

/** At each login the citizen may hide entries recorded in the last 14 days, for that session (1177's rule). */
export const HIDE_ENTRIES_DAYS = 14;

/** Records the choice: hide entries recorded after now − 14 days, or show everything. Returns the cut-off. */
export async function chooseHiddenEntries(
  db: Queryable,
  session: { sessionId: string; personId: string },
  hide: boolean,
  now: Date = new Date(),
): Promise<Date | null> {
  const cutoff = hide ? new Date(now.getTime() - HIDE_ENTRIES_DAYS * 86_400_000) : null;
  await setHideEntriesAfter(db, session.personId, session.sessionId, cutoff);
  return cutoff;
}

/** The choice is asked only of someone whose own record is shown online: not of a young person of 13–15. */
export async function asksNewEntriesChoice(db: Queryable, personId: string, now: Date = new Date()): Promise<boolean> {
  const own = await decideAccess(db, personId, personId, now);
  return own.capabilities.includes("read_record");
}
