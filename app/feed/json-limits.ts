/**
 * What an item's JSON may hold before the feed reads it as FHIR. Validation, mapping and JSON.stringify recurse, and
 * PostgreSQL refuses some text, so each item's parsed JSON is walked first, with a stack of this module's own (any
 * depth is safe here), and the first thing found is named with its path. CONVENTIONS.md ("Limits") says what
 * becomes of each.
 */

/**
 * Levels of nesting in a resource, the resource itself being level 1. The corpus's deepest resource has 8 (a
 * Patient's extension within an extension); 64 leaves room for nested extensions and contained resources.
 */
export const MAX_DEPTH = 64;

/** NUL, and a UTF-16 surrogate without its other half: neither PostgreSQL's text nor its json can hold them. */
const UNSTORABLE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, "g");

/** Text PostgreSQL can hold: NUL and lone surrogates become U+FFFD. */
export function storableText(text: string): string {
  return text.replace(UNSTORABLE_ALL, "\uFFFD");
}

export interface JsonProblem {
  reason: string;
  path: string;
  /** Past MAX_DEPTH: nothing recursive may touch the value (see cutAtDepth). */
  tooDeep: boolean;
}

type Segment = string | number;

/** FHIRPath-like: ("Observation", ["code", "coding", 0]) → "Observation.code.coding[0]". */
export function jsonPath(root: string, segments: readonly Segment[]): string {
  return root + segments.map((s) => (typeof s === "number" ? `[${s}]` : `.${s}`)).join("");
}

function textProblem(text: string, invalidUtf8: boolean): string | null {
  if (invalidUtf8 && text.includes("\uFFFD")) return "Not valid UTF-8: the bytes sent here are not UTF-8 (kept in dead_letters with U+FFFD in their place)";
  const bad = UNSTORABLE.exec(text)?.[0];
  if (bad === undefined) return null;
  if (bad === "\0") return "The text holds a NUL character (\\u0000), which cannot be stored";
  const code = bad.charCodeAt(0).toString(16);
  return `The text holds a lone UTF-16 surrogate (\\u${code}), which is not a character and cannot be stored: send the whole pair, or the character as UTF-8`;
}

interface Frame {
  value: object;
  depth: number;
  parent: Frame | null;
  key: Segment;
}

function pathOf(root: string, frame: Frame, key: Segment): string {
  const segments = [key];
  for (let f: Frame | null = frame; f.parent; f = f.parent) segments.push(f.key);
  return jsonPath(root, segments.reverse());
}

/**
 * The first thing in `value` the feed cannot take: nesting past MAX_DEPTH, a string or property name holding NUL or a
 * lone surrogate, or (when the text it came from was not valid UTF-8: `invalidUtf8`) U+FFFD, which then stands for
 * bytes that were not UTF-8. `root` names the value in the path ("Observation", "Bundle.entry[3].resource").
 */
export function jsonProblem(value: unknown, root: string, invalidUtf8 = false): JsonProblem | null {
  if (typeof value === "string") {
    const reason = textProblem(value, invalidUtf8);
    return reason ? { reason, path: root, tooDeep: false } : null;
  }
  if (typeof value !== "object" || value === null) return null;
  const stack: Frame[] = [{ value, depth: 1, parent: null, key: "" }];
  while (stack.length) {
    const frame = stack.pop()!;
    const container = frame.value as Record<string | number, unknown>;
    const names = Array.isArray(container) ? null : Object.keys(container);
    const size = names ? names.length : (frame.value as unknown[]).length;
    for (let i = 0; i < size; i++) {
      const key = names ? names[i]! : i;
      const nameProblem = names ? textProblem(key as string, invalidUtf8) : null;
      if (nameProblem) return { reason: `A property name: ${nameProblem}`, path: pathOf(root, frame, key), tooDeep: false };
      const child = container[key];
      if (typeof child === "string") {
        const reason = textProblem(child, invalidUtf8);
        if (reason) return { reason, path: pathOf(root, frame, key), tooDeep: false };
      } else if (typeof child === "object" && child !== null) {
        if (frame.depth === MAX_DEPTH) {
          return { reason: `Nested deeper than ${MAX_DEPTH} levels, the feed's limit for a resource`, path: pathOf(root, frame, key), tooDeep: true };
        }
        stack.push({ value: child, depth: frame.depth + 1, parent: frame, key });
      }
    }
  }
  return null;
}

type Container = Record<string, unknown>;

/** `value` with what lies past MAX_DEPTH replaced by a note: what a dead letter keeps of a value nested too deep. */
export function cutAtDepth(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  const emptyLike = (v: object): Container => (Array.isArray(v) ? [] : {}) as Container;
  const top = emptyLike(value);
  const stack = [{ from: value, to: top, depth: 1 }];
  while (stack.length) {
    const { from, to, depth } = stack.pop()!;
    for (const [key, child] of Object.entries(from)) {
      if (typeof child !== "object" || child === null) to[key] = child;
      else if (depth === MAX_DEPTH) to[key] = `(cut: nested deeper than ${MAX_DEPTH} levels)`;
      else {
        to[key] = emptyLike(child);
        stack.push({ from: child, to: to[key] as Container, depth: depth + 1 });
      }
    }
  }
  return top;
}
