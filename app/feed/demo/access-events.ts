import type { RecordBuilder } from "./builder";
import { staffOf, type Profession } from "./catalogue";
import { localInstant, stockholmDay } from "./dates";

/** Who reads a record again after a contact: the unit's doctors and nurses (any of its staff, where it has none). */
const FOLLOW_UP_READERS: readonly Profession[] = ["Läkare", "Sjuksköterska", "Distriktssköterska", "Barnsjuksköterska", "Skolsköterska"];

/** How many days after a contact a follow-up read may come. */
export const FOLLOW_UP_DAYS = 5;

/**
 * The clinical system's access events of one person's record, from their care contacts (call it once the record is
 * written): the clinician of each contact reads the record during it, and after one contact in four a doctor or nurse
 * of the same unit reads it again within a few days (a result to sign, a call back). Never after now.
 */
export function clinicalReads(b: RecordBuilder): void {
  const r = b.rng;
  const latest = b.clock.now - 60_000;
  for (const c of b.contacts) {
    const start = localInstant(c.day, c.minute);
    const minutes = Math.max(0, Math.floor((c.endMs - start) / 60_000));
    b.accessEvent({ unit: c.unit, staff: c.staff, atMs: Math.min(start + r.int(0, minutes) * 60_000 + r.int(0, 59) * 1000, latest) });
    if (!r.chance(0.25)) continue;
    const later = localInstant(stockholmDay(new Date(c.endMs)) + r.int(1, FOLLOW_UP_DAYS), r.int(8 * 60, 17 * 60)) + r.int(0, 59) * 1000;
    if (later <= latest) b.accessEvent({ unit: c.unit, staff: r.pick(staffOf(c.unit, FOLLOW_UP_READERS)), atMs: later });
  }
}
