/** How a result compares with its reference range, in words the page can say (never by colour alone). */
export type Assessment = "high" | "low" | "abnormal" | "normal";

const HIGH = new Set(["H", "HH", "HU", ">"]);
const LOW = new Set(["L", "LL", "LU", "<"]);
const ABNORMAL = new Set(["A", "AA"]);

export interface Measured {
  valueNumber: number | null;
  referenceLow: number | null;
  referenceHigh: number | null;
  interpretation: string | null;
}

/** The lab's own interpretation when it gave one; otherwise the value against the range; null when neither says. */
export function assessmentOf(m: Measured): Assessment | null {
  const code = m.interpretation?.toUpperCase() ?? null;
  if (code && HIGH.has(code)) return "high";
  if (code && LOW.has(code)) return "low";
  if (code && ABNORMAL.has(code)) return "abnormal";
  if (code === "N") return "normal";
  if (m.valueNumber === null || (m.referenceLow === null && m.referenceHigh === null)) return null;
  if (m.referenceLow !== null && m.valueNumber < m.referenceLow) return "low";
  if (m.referenceHigh !== null && m.valueNumber > m.referenceHigh) return "high";
  return "normal";
}

export function isOutside(a: Assessment | null): boolean {
  return a === "high" || a === "low" || a === "abnormal";
}
