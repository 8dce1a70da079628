import type { Patient, RelatedPerson } from "@medplum/fhirtypes";
import type { Clock, Person } from "./builder";
import { unit } from "./catalogue";
import { addYears, isoDate, localDateTime, localInstant, utcInstant } from "./dates";
import { PLACES } from "./names";
import type { Random } from "./random";
import { SYSTEMS } from "./terminology";

export const PROTECTED_NAME = "Skyddad uppgift";

export interface Household {
  street: string;
  postalCode: string;
}

export function household(rng: Random, city: string): Household {
  const place = PLACES.find((p) => p.city === city) ?? (PLACES[0] as (typeof PLACES)[number]);
  const digits = 5 - place.postalPrefix.length;
  const rest = String(rng.int(0, 10 ** digits - 1)).padStart(digits, "0");
  const code = `${place.postalPrefix}${rest}`;
  return { street: `${rng.pick(place.streets)} ${rng.int(1, 60)}`, postalCode: `${code.slice(0, 3)} ${code.slice(3)}` };
}

/** A fictional mobile number in the series kept for fiction (070-174 06 00 to 99). */
export function fictionalMobile(rng: Random): string {
  return `070-174 06 ${String(rng.int(0, 99)).padStart(2, "0")}`;
}

export function patientResource(
  person: Person,
  clock: Clock,
  rng: Random,
  options: { home: Household; identifierSystem?: string; registeredDay?: number },
): Patient {
  const registered = options.registeredDay ?? clock.today - rng.int(30, 2000);
  const lastUpdated = Math.min(localInstant(registered, rng.int(7 * 60, 17 * 60)), clock.now - 60_000);
  const managing = unit(person.primaryCare);
  const protectedIdentity = person.protectedIdentity === true;
  const name = protectedIdentity
    ? { use: "official" as const, text: PROTECTED_NAME, family: PROTECTED_NAME, given: [PROTECTED_NAME] }
    : { use: "official" as const, text: `${person.given} ${person.family}`, family: person.family, given: [person.given] };
  return {
    resourceType: "Patient",
    id: person.id,
    meta: {
      versionId: "1",
      lastUpdated: utcInstant(lastUpdated),
      ...(protectedIdentity ? { security: [{ system: SYSTEMS.securityLabel, code: "sekretessmarkering" }] } : {}),
    },
    identifier: [{ system: options.identifierSystem ?? SYSTEMS.personnummer, value: person.personnummer }],
    active: true,
    name: [name],
    ...(protectedIdentity ? {} : { telecom: [{ system: "phone" as const, value: fictionalMobile(rng), use: "mobile" as const }] }),
    gender: person.gender,
    birthDate: isoDate(person.birthDay),
    ...(person.deceasedDay !== undefined ? { deceasedDateTime: localDateTime(person.deceasedDay, rng.int(0, 23 * 60)) } : {}),
    address: protectedIdentity
      ? [{ line: ["Förmedlingsuppdrag", "Box 2820"], postalCode: "403 20", city: "Göteborg", country: "SE" }]
      : [{ use: "home", line: [options.home.street], postalCode: options.home.postalCode, city: person.city, country: "SE" }],
    managingOrganization: { reference: `Organization/${managing.id}`, display: managing.name },
  };
}

export interface GuardianInfo {
  personnummer: string;
  given: string;
  family: string;
  gender: "female" | "male";
  /** The guardian's Patient id, when they are a patient too. */
  patientId?: string;
  blocked?: boolean;
}

/** The child's guardian (vårdnadshavare) as the population register gives it: from birth to the 18th birthday. */
export function guardianResource(id: string, child: Person, guardian: GuardianInfo, clock: Clock): RelatedPerson {
  const lastUpdated = Math.min(localInstant(child.birthDay + 3, 9 * 60), clock.now - 60_000);
  return {
    resourceType: "RelatedPerson",
    id,
    meta: { versionId: guardian.blocked ? "2" : "1", lastUpdated: utcInstant(guardian.blocked ? clock.now - 86_400_000 * 40 : lastUpdated) },
    ...(guardian.blocked ? { extension: [{ url: SYSTEMS.guardianBlocked, valueBoolean: true }] } : {}),
    identifier: [{ system: SYSTEMS.personnummer, value: guardian.personnummer }],
    active: true,
    patient: { reference: `Patient/${child.id}` },
    relationship: [{ coding: [{ system: SYSTEMS.roleCode, code: "GUARD", display: "guardian" }], text: "Vårdnadshavare" }],
    name: [{ use: "official", text: `${guardian.given} ${guardian.family}`, family: guardian.family, given: [guardian.given] }],
    gender: guardian.gender,
    period: { start: isoDate(child.birthDay), end: isoDate(addYears(child.birthDay, 18)) },
  };
}
