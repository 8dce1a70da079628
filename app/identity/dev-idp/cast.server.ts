import { and, asc, inArray, isNotNull, isNull, or, sql } from "drizzle-orm";
import { demoCast, type CastKey } from "~/feed/demo/cast";
import type { Queryable } from "../../../db/connection";
import { guardianships, people } from "../../../db/schema";
import { swedishDate } from "~/i18n/dates";
import { ageOn, birthDateFromIdentityNumber, guardianRefusal, type GuardianRefusal } from "../rules";

/** What the development identity provider's login page says about each person one can log in as. */
export interface CastMember {
  /** A person of the demo's cast: what they show is described on the list. */
  castKey: CastKey | null;
  personnummer: string;
  givenName: string | null;
  familyName: string | null;
  age: number | null;
  deceased: boolean;
  protectedIdentity: boolean;
  /** Children this person is recorded as guardian of, with whether they may act for each today. */
  children: { age: number | null; refusal: GuardianRefusal | null }[];
}

export const CAST_LIMIT = 200;

/** The demo's named people, in the demo's order (app/feed/demo/cast.ts): listed first. */
const castOrder = demoCast.map((c) => c.patientId).filter((id): id is string => id !== null);
const castKeyOf = new Map(demoCast.map((c) => [c.patientId, c.key]));

/**
 * People with a personnummer: the demo cast first, then other guardians (they make the most interesting logins), then
 * everyone else by age. Everyone is listed, including those who will be refused (a deceased person, a child), so the
 * refusal pages can be tried.
 */
export async function listCast(db: Queryable, now: Date = new Date(), limit = CAST_LIMIT): Promise<CastMember[]> {
  const today = swedishDate(now);
  const castPosition = sql`coalesce(array_position(array[${sql.join(
    castOrder.map((id) => sql`${id}`),
    sql`, `,
  )}]::text[], ${people.id}), ${castOrder.length + 1})`;
  const isGuardian = sql<boolean>`exists (select 1 from ${guardianships} g where g.deleted_at is null and (g.guardian_person_id = ${people.id} or g.guardian_personnummer = ${people.personnummer}))`;
  const rows = await db
    .select({
      id: people.id,
      personnummer: people.personnummer,
      givenName: people.givenName,
      familyName: people.familyName,
      birthDate: people.birthDate,
      deceased: people.deceased,
      protectedIdentity: people.protectedIdentity,
    })
    .from(people)
    .where(and(isNotNull(people.personnummer), isNull(people.deletedAt)))
    .orderBy(castPosition, sql`${isGuardian} desc`, asc(people.birthDate), asc(people.familyName), asc(people.givenName))
    .limit(limit);
  if (rows.length === 0) return [];

  const ids = rows.map((r) => r.id);
  const numbers = rows.map((r) => r.personnummer!);
  const relations = await db
    .select({
      guardianPersonId: guardianships.guardianPersonId,
      guardianPersonnummer: guardianships.guardianPersonnummer,
      childPersonId: guardianships.childPersonId,
      active: guardianships.active,
      blocked: guardianships.blocked,
      periodStart: guardianships.periodStart,
      periodEnd: guardianships.periodEnd,
      childBirthDate: people.birthDate,
      childPersonnummer: people.personnummer,
      childDeceased: people.deceased,
      childProtected: people.protectedIdentity,
    })
    .from(guardianships)
    .innerJoin(people, sql`${people.id} = ${guardianships.childPersonId} and ${people.deletedAt} is null`)
    .where(
      and(
        isNull(guardianships.deletedAt),
        or(inArray(guardianships.guardianPersonId, ids), inArray(guardianships.guardianPersonnummer, numbers)),
      ),
    );

  return rows.map((r) => {
    const mine = relations.filter((g) => g.guardianPersonId === r.id || (g.guardianPersonId === null && g.guardianPersonnummer === r.personnummer));
    const byChild = new Map<string, typeof mine>();
    for (const g of mine) byChild.set(g.childPersonId, [...(byChild.get(g.childPersonId) ?? []), g]);
    const children = [...byChild.values()].map((gs) => {
      const c = gs[0]!;
      const child = {
        birthDate: c.childBirthDate ?? birthDateFromIdentityNumber(c.childPersonnummer),
        deceased: c.childDeceased,
        protectedIdentity: c.childProtected,
      };
      return { age: ageOn(child.birthDate, today), refusal: guardianRefusal(child, gs, today) };
    });
    return {
      castKey: castKeyOf.get(r.id) ?? null,
      personnummer: r.personnummer!,
      givenName: r.givenName,
      familyName: r.familyName,
      age: ageOn(r.birthDate ?? birthDateFromIdentityNumber(r.personnummer), today),
      deceased: r.deceased,
      protectedIdentity: r.protectedIdentity,
      children: children.filter((c) => c.refusal !== "not_guardian").sort((a, b) => (a.age ?? 0) - (b.age ?? 0)),
    };
  });
}

/** The name the identity provider asserts for a personnummer (a real e-ID knows the name from the population register). */
export async function findCastMember(db: Queryable, personnummer: string): Promise<{ givenName: string | null; familyName: string | null } | null> {
  const rows = await db
    .select({ givenName: people.givenName, familyName: people.familyName })
    .from(people)
    .where(and(sql`${people.personnummer} = ${personnummer}`, isNull(people.deletedAt)))
    .limit(1);
  return rows[0] ?? null;
}
