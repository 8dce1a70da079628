import Personnummer from "personnummer";
import { and, eq, isNull } from "drizzle-orm";
import type { Queryable } from "../../db/connection";
import { loginAttempts, people } from "../../db/schema";
import { swedishDate } from "~/i18n/dates";
import { birthDateFromIdentityNumber, loginRefusal, type LoginRefusal } from "./rules";

/** Why someone who proved their identity still does not get in. Each has its own explanation page text. */
export const refusalReasons = ["invalid_identity", "unknown_person", "ambiguous_person", "deceased", "under_13", "unknown_age"] as const;
export type RefusalReason = (typeof refusalReasons)[number];

export function isRefusalReason(value: unknown): value is RefusalReason {
  return typeof value === "string" && (refusalReasons as readonly string[]).includes(value);
}

export type Admission = { admitted: true; personId: string } | { admitted: false; reason: RefusalReason; personId: string | null };

export interface IdentityNumber {
  /** 12 digits, no separator, as stored in the read model. */
  value: string;
  kind: "personnummer" | "samordningsnummer";
}

/** A personnummer (or samordningsnummer) in any common format with a valid check digit, as 12 digits; otherwise null. */
export function parseIdentityNumber(value: unknown): IdentityNumber | null {
  if (typeof value !== "string" && typeof value !== "number") return null;
  const text = String(value).trim();
  if (!/^(\d{6}|\d{8})[-+]?\d{4}$/.test(text)) return null;
  try {
    if (!Personnummer.valid(text)) return null;
    const parsed = Personnummer.parse(text);
    const digits = parsed.format(true).replace(/\D/g, "");
    return { value: digits, kind: parsed.isCoordinationNumber() ? "samordningsnummer" : "personnummer" };
  } catch {
    return null;
  }
}

/**
 * Whether the person behind a verified identity number may log in at `now`: known to the read model (exactly one
 * living person) and at least 13 years old.
 */
export async function admit(db: Queryable, identity: unknown, now: Date = new Date()): Promise<Admission> {
  const number = parseIdentityNumber(identity);
  if (!number) return { admitted: false, reason: "invalid_identity", personId: null };
  const column = number.kind === "personnummer" ? people.personnummer : people.samordningsnummer;
  const found = await db
    .select({
      id: people.id,
      birthDate: people.birthDate,
      deceased: people.deceased,
      protectedIdentity: people.protectedIdentity,
    })
    .from(people)
    .where(and(eq(column, number.value), isNull(people.deletedAt)))
    .limit(2);
  if (found.length === 0) return { admitted: false, reason: "unknown_person", personId: null };
  if (found.length > 1) return { admitted: false, reason: "ambiguous_person", personId: null };
  const person = found[0]!;
  const refusal: LoginRefusal | null = loginRefusal(
    { ...person, birthDate: person.birthDate ?? birthDateFromIdentityNumber(number.value) },
    swedishDate(now),
  );
  if (refusal) return { admitted: false, reason: refusal, personId: person.id };
  return { admitted: true, personId: person.id };
}

/** Every login attempt, admitted or refused, is kept: who (when known to the read model), the outcome and why. */
export async function recordLoginAttempt(
  db: Queryable,
  attempt: { personId: string | null; outcome: "admitted" | "refused" | "failed"; reason?: string | null; now?: Date },
): Promise<void> {
  await db.insert(loginAttempts).values({
    personId: attempt.personId,
    outcome: attempt.outcome,
    reason: attempt.reason ?? null,
    ...(attempt.now ? { occurredAt: attempt.now } : {}),
  });
}
