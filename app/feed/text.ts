import type { Address, Attachment, CodeableConcept, Coding, HumanName } from "@medplum/fhirtypes";

/** What a person reads for a concept: its text, else the first display, else the first code. */
export function conceptText(cc: CodeableConcept | undefined): string | null {
  if (!cc) return null;
  if (cc.text?.trim()) return cc.text.trim();
  for (const c of cc.coding ?? []) if (c.display?.trim()) return c.display.trim();
  for (const c of cc.coding ?? []) if (c.code) return c.code;
  return null;
}

/** The coding to index: the first whose system matches one of `preferred` (in order), else the first with a code. */
export function primaryCoding(cc: CodeableConcept | undefined, preferred: readonly RegExp[] = []): Coding | null {
  const codings = (cc?.coding ?? []).filter((c) => c.code);
  for (const pattern of preferred) {
    const hit = codings.find((c) => c.system && pattern.test(c.system));
    if (hit) return hit;
  }
  return codings[0] ?? null;
}

export function firstConceptText(list: CodeableConcept[] | undefined): string | null {
  for (const cc of list ?? []) {
    const t = conceptText(cc);
    if (t) return t;
  }
  return null;
}

export function joinTexts(parts: (string | null | undefined)[], separator = "\n"): string | null {
  const kept = parts.map((p) => p?.trim()).filter((p): p is string => Boolean(p));
  return kept.length ? kept.join(separator) : null;
}

export function humanNameText(names: HumanName[] | undefined): { given: string | null; family: string | null; text: string | null } {
  const name = names?.find((n) => n.use === "official") ?? names?.find((n) => n.use !== "old") ?? names?.[0];
  if (!name) return { given: null, family: null, text: null };
  const given = joinTexts(name.given ?? [], " ");
  const family = name.family?.trim() || null;
  return { given, family, text: name.text?.trim() || joinTexts([given, family], " ") };
}

/**
 * A visiting address as one line, "line1, line2, postalCode city": the first address with a line, preferring a
 * physical one (type physical or both), then a work one, and an old one last. null when no address has a line.
 */
export function addressText(addresses: Address[] | undefined): string | null {
  const rank = (a: Address) => (a.use === "old" ? 3 : a.type === "physical" || a.type === "both" ? 0 : a.use === "work" ? 1 : 2);
  const withLines = (addresses ?? []).filter((a) => a.line?.some((l) => l.trim()));
  const best = withLines.reduce<Address | undefined>((found, a) => (found === undefined || rank(a) < rank(found) ? a : found), undefined);
  if (!best) return null;
  return joinTexts([...(best.line ?? []), joinTexts([best.postalCode, best.city], " ")], ", ");
}

const ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
  // Not XML, but written by hand in narratives now and then: the Swedish letters.
  aring: "å",
  Aring: "Å",
  auml: "ä",
  Auml: "Ä",
  ouml: "ö",
  Ouml: "Ö",
  eacute: "é",
  Eacute: "É",
};

/** XHTML narrative → plain text: block ends become line breaks, tags go, entities are decoded. */
export function narrativeText(html: string | undefined): string | null {
  if (!html) return null;
  const text = html
    .replace(/<(br|\/p|\/div|\/li|\/tr|\/h[1-6])\b[^>]*>/gi, "\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (name.startsWith("#x") || name.startsWith("#X")) return String.fromCodePoint(parseInt(name.slice(2), 16));
      if (name.startsWith("#")) return String.fromCodePoint(parseInt(name.slice(1), 10));
      return ENTITIES[name] ?? ENTITIES[name.toLowerCase()] ?? whole;
    });
  const lines = text
    .split("\n")
    .map((l) => l.replace(/[ \t\r\f\v]+/g, " ").trim())
    .filter(Boolean);
  return lines.length ? lines.join("\n") : null;
}

/** The text of an inline attachment (text/plain or text/html, base64 in `data`); null for anything else. */
export function attachmentText(attachment: Attachment | undefined): string | null {
  if (!attachment?.data) return null;
  const type = (attachment.contentType ?? "text/plain").toLowerCase();
  if (!type.startsWith("text/")) return null;
  const decoded = Buffer.from(attachment.data, "base64").toString("utf8");
  return type.startsWith("text/html") ? narrativeText(decoded) : decoded.trim() || null;
}
