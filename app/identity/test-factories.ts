import { randomBytes } from "node:crypto";
import type { Queryable } from "../../db/connection";
import { clinicalAccessEvents, guardianships, people } from "../../db/schema";

/** Small typed factories for tests of identity and the access log: rows inserted directly, nothing else. */

function luhn(nineDigits: string): number {
  let sum = 0;
  for (let i = 0; i < nineDigits.length; i++) {
    let v = Number(nineDigits[i]) * (i % 2 === 0 ? 2 : 1);
    if (v > 9) v -= 9;
    sum += v;
  }
  return (10 - (sum % 10)) % 10;
}

let birthNumber = 980;

/** A valid 12-digit test personnummer (birth numbers 980-999, Skatteverket's test series) for a birth date. */
export function testPersonnummer(birthDate: string, number?: number): string {
  const n = number ?? (birthNumber = birthNumber >= 999 ? 980 : birthNumber + 1);
  const date = birthDate.replaceAll("-", "");
  return `${date}${n}${luhn(`${date.slice(2)}${n}`)}`;
}

function id(prefix: string): string {
  return `${prefix}-${randomBytes(6).toString("hex")}`;
}

export interface PersonInput {
  id?: string;
  givenName?: string;
  familyName?: string;
  birthDate: string;
  personnummer?: string | null;
  deceased?: boolean;
  protectedIdentity?: boolean;
  deletedAt?: Date | null;
}

export async function createPerson(db: Queryable, input: PersonInput): Promise<{ id: string; personnummer: string | null }> {
  const personId = input.id ?? id("patient");
  const personnummer = input.personnummer === undefined ? testPersonnummer(input.birthDate) : input.personnummer;
  await db.insert(people).values({
    id: personId,
    versionId: 1,
    raw: { resourceType: "Patient", id: personId },
    personnummer,
    givenName: input.givenName ?? "Test",
    familyName: input.familyName ?? "Testsson",
    birthDate: input.birthDate,
    deceased: input.deceased ?? false,
    protectedIdentity: input.protectedIdentity ?? false,
    deletedAt: input.deletedAt ?? null,
  });
  return { id: personId, personnummer };
}

export interface GuardianshipInput {
  childPersonId: string;
  guardianPersonId?: string | null;
  guardianPersonnummer?: string | null;
  blocked?: boolean;
  active?: boolean;
  periodStart?: string | null;
  periodEnd?: string | null;
  deletedAt?: Date | null;
}

export async function createGuardianship(db: Queryable, input: GuardianshipInput): Promise<string> {
  const relationId = id("related");
  await db.insert(guardianships).values({
    id: relationId,
    sourceType: "RelatedPerson",
    versionId: 1,
    raw: { resourceType: "RelatedPerson", id: relationId },
    childPersonId: input.childPersonId,
    guardianPersonId: input.guardianPersonId ?? null,
    guardianPersonnummer: input.guardianPersonnummer ?? null,
    relationship: "GUARD",
    active: input.active ?? true,
    blocked: input.blocked ?? false,
    periodStart: input.periodStart ?? null,
    periodEnd: input.periodEnd ?? null,
    deletedAt: input.deletedAt ?? null,
  });
  return relationId;
}

export async function createClinicalAccessEvent(
  db: Queryable,
  input: {
    personId: string;
    occurredAt: Date;
    careUnitId?: string | null;
    careUnitReference?: string | null;
    careUnitName?: string | null;
    deletedAt?: Date | null;
  },
): Promise<string> {
  const eventId = id("audit");
  await db.insert(clinicalAccessEvents).values({
    id: eventId,
    versionId: 1,
    raw: { resourceType: "AuditEvent", id: eventId },
    personId: input.personId,
    occurredAt: input.occurredAt,
    careUnitId: input.careUnitId ?? null,
    careUnitReference: input.careUnitReference ?? null,
    careUnitName: input.careUnitName ?? null,
    action: "R",
    deletedAt: input.deletedAt ?? null,
  });
  return eventId;
}

/** A request to the portal carrying a session cookie, as a browser would send it. */
export function requestWithCookie(path: string, cookie: string | null, init: RequestInit = {}): Request {
  const headers = new Headers(init.headers);
  if (cookie) headers.set("Cookie", cookie.split(";")[0]!);
  return new Request(`http://localhost:3000${path}`, { ...init, headers });
}
