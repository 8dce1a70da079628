/**
 * Who may do what for whom, as a pure function of the facts and today's date. The rules of Swedish patient e-services
 * (as applied by 1177): a guardian acts for a child until the day before the 13th birthday, unless the child has a
 * protected identity or a care unit has blocked the guardian; a young person logs in from 13 (booking and messaging)
 * and reads their own record from 16. Ages switch on the birthday itself, in Swedish time.
 */

export const capabilities = ["read_record", "book", "message"] as const;
export type Capability = (typeof capabilities)[number];

export const GUARDIAN_ACCESS_ENDS_AT_AGE = 13;
export const OWN_LOGIN_FROM_AGE = 13;
export const OWN_RECORD_FROM_AGE = 16;

export interface SubjectFacts {
  /** Calendar date YYYY-MM-DD, or null when unknown. */
  birthDate: string | null;
  deceased: boolean;
  protectedIdentity: boolean;
}

export interface GuardianshipFacts {
  active: boolean;
  blocked: boolean;
  /** Calendar dates YYYY-MM-DD, either end open. */
  periodStart: string | null;
  periodEnd: string | null;
}

/** Why a guardian cannot act for a child (or null when they can). */
export type GuardianRefusal = "not_guardian" | "age_13" | "protected" | "blocked" | "deceased" | "unknown_age";
/** Why a person cannot log in (or null when they can). */
export type LoginRefusal = "deceased" | "under_13" | "unknown_age";

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Whole years from `birthDate` to `today` (both YYYY-MM-DD). The age goes up on the birthday itself; someone born on
 * 29 February turns a year older on 1 March in other years. Null when either date is not a calendar date.
 */
export function ageOn(birthDate: string | null, today: string): number | null {
  const b = birthDate ? ISO_DATE.exec(birthDate) : null;
  const t = ISO_DATE.exec(today);
  if (!b || !t) return null;
  const [by, bm, bd] = [Number(b[1]), Number(b[2]), Number(b[3])];
  const [ty, tm, td] = [Number(t[1]), Number(t[2]), Number(t[3])];
  let age = ty - by;
  if (tm < bm || (tm === bm && td < bd)) age -= 1;
  return age;
}

/** What a person may do for themself today. */
export function ownCapabilities(person: SubjectFacts, today: string): Capability[] {
  if (person.deceased) return [];
  const age = ageOn(person.birthDate, today);
  if (age === null || age < OWN_LOGIN_FROM_AGE) return [];
  if (age < OWN_RECORD_FROM_AGE) return ["book", "message"];
  return [...capabilities];
}

/** Null when the person may log in today, otherwise why not. */
export function loginRefusal(person: SubjectFacts, today: string): LoginRefusal | null {
  if (person.deceased) return "deceased";
  const age = ageOn(person.birthDate, today);
  if (age === null) return "unknown_age";
  if (age < OWN_LOGIN_FROM_AGE) return "under_13";
  return null;
}

function coversToday(g: GuardianshipFacts, today: string): boolean {
  if (!g.active) return false;
  if (g.periodStart && g.periodStart > today) return false;
  if (g.periodEnd && g.periodEnd < today) return false;
  return true;
}

/**
 * Null when the guardian may act for the child today, otherwise why not. `guardianships` are every recorded relation
 * between this guardian and this child (the clinical system may send the same relation more than once): one that is
 * in force is needed, and a block on any relation in force wins.
 */
export function guardianRefusal(child: SubjectFacts, guardianships: GuardianshipFacts[], today: string): GuardianRefusal | null {
  const inForce = guardianships.filter((g) => coversToday(g, today));
  if (inForce.length === 0) return "not_guardian";
  if (child.deceased) return "deceased";
  if (child.protectedIdentity) return "protected";
  if (inForce.some((g) => g.blocked)) return "blocked";
  const age = ageOn(child.birthDate, today);
  if (age === null) return "unknown_age";
  if (age >= GUARDIAN_ACCESS_ENDS_AT_AGE) return "age_13";
  return null;
}

/** What a guardian may do for the child today: everything while under 13, nothing from the 13th birthday. */
export function guardianCapabilities(child: SubjectFacts, guardianships: GuardianshipFacts[], today: string): Capability[] {
  return guardianRefusal(child, guardianships, today) === null ? [...capabilities] : [];
}

/** The birth date a personnummer or samordningsnummer (12 digits) encodes; samordningsnummer add 60 to the day. */
export function birthDateFromIdentityNumber(number: string | null): string | null {
  if (!number || !/^\d{12}$/.test(number)) return null;
  const year = number.slice(0, 4);
  const month = number.slice(4, 6);
  let day = Number(number.slice(6, 8));
  if (day > 60) day -= 60;
  const iso = `${year}-${month}-${String(day).padStart(2, "0")}`;
  const d = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso ? null : iso;
}
