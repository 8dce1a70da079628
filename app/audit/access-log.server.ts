import type { Queryable } from "../../db/connection";
import { accessLog } from "../../db/schema";
import type { Access } from "~/identity/access.server";

/**
 * Appends one read of patient data to the access log: which section, whose data, who read it and as what. The
 * database refuses to change or remove what is there (migration 0001), so this is the only write there is.
 */
export async function logAccess(db: Queryable, access: Access, section: string, resourceRefs?: string[]): Promise<void> {
  await db.insert(accessLog).values({
    subjectPersonId: access.subjectPersonId,
    actorPersonId: access.actorPersonId,
    actingAs: access.actingAs,
    section,
    resourceRefs: resourceRefs && resourceRefs.length > 0 ? resourceRefs : null,
    channel: "portal",
  });
}
