import type { Identifier, Reference } from "@medplum/fhirtypes";
import { HSA_OID, PERSONNUMMER_OID, SAMORDNINGSNUMMER_OID, nationalIdKind, normalizeNationalId } from "./identifiers";

/**
 * A reference as the read model keeps it. `ref` is the canonical text stored in a `*_reference` column:
 * "Type/id", "urn:uuid:…" (not resolvable yet), or "Type?identifier=system|value" (a logical reference by identifier,
 * with personnummer systems folded to the OID and the number to 12 digits). `type`/`id` are set once the target is
 * known.
 */
export interface ResolvedReference {
  ref: string;
  type: string | null;
  id: string | null;
}

export interface TypedId {
  type: string;
  id: string;
}

/** fullUrl → the entry's resource, for the entries of one bundle (or one batch of a stream). */
export type FullUrlMap = Map<string, TypedId>;

export const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;
const RELATIVE = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/;
const ABSOLUTE_TAIL = /\/([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/;
const CONDITIONAL = /^([A-Z][A-Za-z]+)\?identifier=([^&]*)$/;

/** The forms of Reference.reference the feed understands; anything else is rejected by validation. */
export const REFERENCE_PATTERN =
  /^(#[A-Za-z0-9\-.]{1,64}|urn:(uuid|oid):\S+|[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64}(\/_history\/[A-Za-z0-9\-.]{1,64})?|[A-Z][A-Za-z]+\?identifier=\S+|https?:\/\/\S+)$/;

/** Canonical identifier reference; national ids and HSA-ids folded so that every spelling resolves alike. */
export function identifierReference(type: string, identifier: Identifier | undefined): string | null {
  if (!identifier?.value) return null;
  const kind = nationalIdKind(identifier.system);
  if (kind) {
    const value = normalizeNationalId(identifier.value);
    if (!value) return null;
    return `${type}?identifier=${kind === "personnummer" ? PERSONNUMMER_OID : SAMORDNINGSNUMMER_OID}|${value}`;
  }
  if (!identifier.system) return null;
  const value = identifier.system === HSA_OID ? identifier.value.trim() : identifier.value;
  return `${type}?identifier=${identifier.system}|${value}`;
}

function parseTokenIdentifier(token: string): Identifier | undefined {
  const decoded = safeDecode(token);
  const bar = decoded.indexOf("|");
  if (bar < 0) return undefined;
  return { system: decoded.slice(0, bar), value: decoded.slice(bar + 1) };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * Resolves a Reference against the bundle's fullUrls. Contained (`#id`) references and references carrying only a
 * display return null: they name no row. `expectedType` types a bare identifier reference.
 */
export function resolveReference(
  reference: Reference | undefined,
  fullUrls: FullUrlMap | undefined,
  expectedType?: string,
): ResolvedReference | null {
  if (!reference) return null;
  const text = reference.reference?.trim();
  if (!text) {
    const type = reference.type ?? expectedType;
    const ref = type ? identifierReference(type, reference.identifier) : null;
    return ref && type ? { ref, type, id: null } : null;
  }
  if (text.startsWith("#")) return null;
  const inBundle = fullUrls?.get(text);
  if (inBundle) return { ref: `${inBundle.type}/${inBundle.id}`, type: inBundle.type, id: inBundle.id };
  if (text.startsWith("urn:")) return { ref: text, type: null, id: null };
  let m = RELATIVE.exec(text);
  if (m) return { ref: `${m[1]}/${m[2]}`, type: m[1]!, id: m[2]! };
  m = CONDITIONAL.exec(text);
  if (m) {
    const ref = identifierReference(m[1]!, parseTokenIdentifier(m[2]!));
    return ref ? { ref, type: m[1]!, id: null } : { ref: text, type: m[1]!, id: null };
  }
  if (/^https?:\/\//.test(text)) {
    m = ABSOLUTE_TAIL.exec(text.split(/[?#]/)[0]!);
    if (m) return { ref: `${m[1]}/${m[2]}`, type: m[1]!, id: m[2]! };
  }
  return { ref: text, type: null, id: null };
}

/** The id a reference gives a column that holds `targetType` ids, or null. */
export function idFor(resolved: ResolvedReference | null, targetType: string): string | null {
  return resolved && resolved.type === targetType ? resolved.id : null;
}

/** The reference text for a column pair, unless it certainly names another type. */
export function refFor(resolved: ResolvedReference | null, targetType: string): string | null {
  if (!resolved) return null;
  if (resolved.type && resolved.type !== targetType) return null;
  return resolved.ref;
}

/** Whether a stored reference can still resolve later (by alias or identifier), as opposed to "Type/id". */
export function isPendingReference(ref: string): boolean {
  return ref.startsWith("urn:") || ref.includes("?identifier=");
}
