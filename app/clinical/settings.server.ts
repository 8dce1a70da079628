import { createHash, createPrivateKey, createPublicKey, type JsonWebKey, type KeyObject } from "node:crypto";

/**
 * What the portal needs to reach the clinical system (Millennium's FHIR R4 API and its token endpoint), read from the
 * environment by app/config.server.ts. Nothing here touches the network: a key that cannot sign stops the process at
 * start-up, not at the first booking.
 */
export interface ClinicalSettings {
  /** The FHIR base, without a trailing slash. */
  fhirBase: string;
  tokenUrl: string;
  clientId: string;
  signingKey: SigningKey;
  scopes: readonly string[];
  timeoutMs: number;
}

export type SigningAlgorithm = "RS384" | "ES384";

/** The private key of the client assertion; `kid` is the one registered in the clinical system's JWKS for the client. */
export interface SigningKey {
  readonly key: KeyObject;
  readonly alg: SigningAlgorithm;
  readonly kid: string;
}

/** Said of the variable holding the key; the message never holds any of the key. */
export class SigningKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SigningKeyError";
  }
}

/**
 * A private key as a JWK (JSON) or PEM (PKCS#8, PKCS#1 or SEC1), RSA of 2048 bits or more (RS384) or EC on P-384
 * (ES384). The kid is the JWK's own, else the RFC 7638 thumbprint of the public key (what `publicJwk` shows).
 * Literal `\n` in a PEM are read as line breaks, as some secret stores hand multi-line values over on one line.
 */
export function parseSigningKey(text: string): SigningKey {
  const trimmed = text.trim();
  let key: KeyObject;
  let jwk: Record<string, unknown> | undefined;
  if (trimmed.startsWith("{")) {
    jwk = parseJsonObject(trimmed);
    if ("keys" in jwk) throw new SigningKeyError("is a JWK Set: give the one private JWK the client signs with");
    if (!("d" in jwk)) throw new SigningKeyError('is a public JWK: the private key (with "d") is needed');
    try {
      key = createPrivateKey({ key: jwk as JsonWebKey, format: "jwk" });
    } catch {
      throw new SigningKeyError("is not a usable private JWK (kty RSA, or EC on P-384, with all its private members)");
    }
  } else if (trimmed.startsWith("-----BEGIN")) {
    const pem = trimmed.replaceAll("\\n", "\n");
    if (pem.includes("ENCRYPTED")) throw new SigningKeyError("is an encrypted PEM: the portal reads no passphrase, give the key unencrypted");
    if (/-----BEGIN (PUBLIC KEY|RSA PUBLIC KEY|CERTIFICATE)-----/.test(pem)) {
      throw new SigningKeyError("holds a public key or a certificate: the private key is needed");
    }
    try {
      key = createPrivateKey(pem);
    } catch {
      throw new SigningKeyError("is not a readable PEM private key (PKCS#8, PKCS#1 or SEC1)");
    }
  } else {
    throw new SigningKeyError("must be a private key as a JWK (JSON) or PEM (-----BEGIN PRIVATE KEY-----)");
  }

  const alg = algorithmOf(key);
  if (jwk?.alg !== undefined && jwk.alg !== alg) {
    throw new SigningKeyError(`says alg ${JSON.stringify(jwk.alg).slice(0, 20)}, but this key signs ${alg}`);
  }
  const kid = typeof jwk?.kid === "string" && jwk.kid !== "" ? jwk.kid : thumbprint(key);
  return { key, alg, kid };
}

function parseJsonObject(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new SigningKeyError("is not a JWK: its JSON does not parse");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new SigningKeyError("is not a JWK: not a JSON object");
  return value as Record<string, unknown>;
}

function algorithmOf(key: KeyObject): SigningAlgorithm {
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  if (type === "rsa") {
    if ((details.modulusLength ?? 0) < 2048) throw new SigningKeyError(`is an RSA key of ${details.modulusLength} bits: RS384 needs 2048 or more`);
    return "RS384";
  }
  if (type === "ec") {
    if (details.namedCurve !== "secp384r1") throw new SigningKeyError(`is an EC key on ${details.namedCurve}: ES384 needs P-384 (secp384r1)`);
    return "ES384";
  }
  throw new SigningKeyError(`is a key of type ${type}: the client signs with RS384 (RSA) or ES384 (EC P-384), as SMART Backend Services require`);
}

/** RFC 7638: SHA-256 over the required members of the public JWK, in lexicographic order. */
function thumbprint(key: KeyObject): string {
  const jwk = createPublicKey(key).export({ format: "jwk" });
  const members = jwk.kty === "RSA" ? { e: jwk.e, kty: jwk.kty, n: jwk.n } : { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y };
  return createHash("sha256").update(JSON.stringify(members)).digest("base64url");
}

/** The public half, to register in the clinical system's JWKS for the client. */
export function publicJwk(signingKey: SigningKey): JsonWebKey & { kid: string; alg: SigningAlgorithm; use: "sig" } {
  return { ...createPublicKey(signingKey.key).export({ format: "jwk" }), kid: signingKey.kid, alg: signingKey.alg, use: "sig" };
}

/**
 * Scopes are asked for one by one: Millennium grants no wildcards. The default is what the portal reads and writes:
 * the record's resources, which the poller and the Bulk export (Group) bring, and the bookings it makes.
 */
export const DEFAULT_CLINICAL_SCOPES: readonly string[] = [
  "system/Patient.read",
  "system/RelatedPerson.read",
  "system/Organization.read",
  "system/Practitioner.read",
  "system/HealthcareService.read",
  "system/Medication.read",
  "system/AuditEvent.read",
  "system/Encounter.read",
  "system/Observation.read",
  "system/DiagnosticReport.read",
  "system/Condition.read",
  "system/DocumentReference.read",
  "system/MedicationRequest.read",
  "system/AllergyIntolerance.read",
  "system/Immunization.read",
  "system/ServiceRequest.read",
  "system/Group.read",
  "system/Schedule.read",
  "system/Slot.read",
  "system/Slot.write",
  "system/Appointment.read",
  "system/Appointment.write",
];

/** Space- or comma-separated; throws with what is wrong when a scope is a wildcard. */
export function parseScopes(text: string): string[] {
  const scopes = [...new Set(text.split(/[\s,]+/).filter(Boolean))];
  if (scopes.length === 0) throw new Error("lists no scope");
  const wildcard = scopes.find((s) => s.includes("*"));
  if (wildcard) throw new Error(`lists ${wildcard}: Millennium grants no wildcards, name each resource (system/Appointment.read …)`);
  return scopes;
}
