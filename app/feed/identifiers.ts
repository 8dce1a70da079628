import type { Coding, Identifier, Meta } from "@medplum/fhirtypes";
import Personnummer from "personnummer";

export const PERSONNUMMER_OID = "urn:oid:1.2.752.129.2.1.3.1";
export const SAMORDNINGSNUMMER_OID = "urn:oid:1.2.752.129.2.1.3.3";
export const HSA_OID = "urn:oid:1.2.752.29.4.19";

const PERSONNUMMER_SYSTEMS = new Set([PERSONNUMMER_OID, "http://electronichealth.se/identifier/personnummer"]);
const SAMORDNINGSNUMMER_SYSTEMS = new Set([SAMORDNINGSNUMMER_OID, "http://electronichealth.se/identifier/samordningsnummer"]);

export type NationalIdKind = "personnummer" | "samordningsnummer";

export function nationalIdKind(system: string | undefined): NationalIdKind | null {
  if (!system) return null;
  if (PERSONNUMMER_SYSTEMS.has(system)) return "personnummer";
  if (SAMORDNINGSNUMMER_SYSTEMS.has(system)) return "samordningsnummer";
  return null;
}

export function isHsaSystem(system: string | undefined): boolean {
  return system === HSA_OID;
}

/**
 * A personnummer or samordningsnummer in any written form (10 or 12 digits, with or without "-"/"+") → 12 digits
 * without separator; null when the check digit or date is wrong.
 */
export function normalizeNationalId(value: string): string | null {
  const trimmed = value.trim();
  if (!/^\d{6}(\d{2})?[-+]?\d{4}$/.test(trimmed)) return null;
  try {
    if (!Personnummer.valid(trimmed)) return null;
    return Personnummer.parse(trimmed).format(true).replace(/\D/g, "");
  } catch {
    return null;
  }
}

/** YYYY-MM-DD of a 12-digit personnummer (a samordningsnummer's day has 60 added). */
export function birthDateOfNationalId(twelveDigits: string): string | null {
  const y = twelveDigits.slice(0, 4);
  const m = twelveDigits.slice(4, 6);
  let d = Number(twelveDigits.slice(6, 8));
  if (d > 60) d -= 60;
  const iso = `${y}-${m}-${String(d).padStart(2, "0")}`;
  return isValidDate(iso) ? iso : null;
}

export function isValidDate(iso: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1) return false;
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

export interface NationalIds {
  personnummer: string | null;
  samordningsnummer: string | null;
  /** Index into `identifier` of a national id that failed its check, if any. */
  invalidIndex: number | null;
}

/** The personnummer and samordningsnummer among a resource's identifiers (either system of each accepted). */
export function nationalIds(identifiers: Identifier[] | undefined): NationalIds {
  const out: NationalIds = { personnummer: null, samordningsnummer: null, invalidIndex: null };
  (identifiers ?? []).forEach((identifier, i) => {
    const kind = nationalIdKind(identifier.system);
    if (!kind || !identifier.value) return;
    const normalized = normalizeNationalId(identifier.value);
    if (!normalized) {
      out.invalidIndex ??= i;
      return;
    }
    out[kind] ??= normalized;
  });
  return out;
}

export function hsaIdOf(identifiers: Identifier[] | undefined): string | null {
  for (const identifier of identifiers ?? []) {
    if (isHsaSystem(identifier.system) && identifier.value?.trim()) return identifier.value.trim();
  }
  return null;
}

function foldCode(code: string): string {
  return code
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z]/g, "");
}

const PROTECTED_CODES = new Set(["sekretessmarkering", "skyddadfolkbokforing"]);
const V3_CONFIDENTIALITY = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";

/** Sekretessmarkering or skyddad folkbokföring in meta.security (any system), or v3 Confidentiality R. */
export function isProtectedIdentity(meta: Meta | undefined): boolean {
  return (meta?.security ?? []).some((c: Coding) => {
    if (!c.code) return false;
    if (PROTECTED_CODES.has(foldCode(c.code))) return true;
    return c.code === "R" && (c.system === V3_CONFIDENTIALITY || c.system === "urn:oid:2.16.840.1.113883.5.25");
  });
}
