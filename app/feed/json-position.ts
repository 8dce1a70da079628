/**
 * Where JSON text first goes wrong. V8's JSON.parse names a position for some errors only, so after a failed parse the
 * text is scanned again by this small validator (iterative: any nesting depth) to tell the sender the line and column.
 * And where valid JSON text names a property twice, which JSON.parse lets pass (repeatedNames).
 */

export interface JsonSyntaxError {
  /** Offset in the text (UTF-16 code units). */
  position: number;
  line: number;
  column: number;
  message: string;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const HEX4 = /^[0-9a-fA-F]{4}$/;

export function findJsonError(text: string): JsonSyntaxError | null {
  const n = text.length;
  let i = 0;
  const stack: string[] = [];
  let state: "value" | "value-or-end" | "key" | "key-or-end" | "after" = "value";

  const at = (message: string): JsonSyntaxError => {
    const before = text.slice(0, i);
    const line = before.split("\n").length;
    return { position: i, line, column: i - before.lastIndexOf("\n"), message };
  };
  const skipSpace = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
  };
  const scanString = (): JsonSyntaxError | null => {
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return null;
      }
      if (c === 92) {
        const e = text[i + 1];
        if (e === "u") {
          if (!HEX4.test(text.slice(i + 2, i + 6))) return at("Invalid \\u escape in a string");
          i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) return at("Invalid escape in a string");
        i += 2;
        continue;
      }
      if (c < 32) return at("Control character in a string (escape it)");
      i++;
    }
    return at("Unterminated string");
  };

  for (;;) {
    skipSpace();
    if (state === "value" || state === "value-or-end") {
      if (i >= n) return at("Unexpected end of input: a value was expected");
      const c = text[i]!;
      if (state === "value-or-end" && c === "]") {
        i++;
        stack.pop();
        state = "after";
        continue;
      }
      if (c === "{" || c === "[") {
        i++;
        stack.push(c);
        state = c === "{" ? "key-or-end" : "value-or-end";
        continue;
      }
      if (c === '"') {
        const e = scanString();
        if (e) return e;
        state = "after";
        continue;
      }
      if (c === "-" || (c >= "0" && c <= "9")) {
        NUMBER.lastIndex = i;
        const m = NUMBER.exec(text);
        if (!m) return at("Invalid number");
        i += m[0].length;
        state = "after";
        continue;
      }
      const literal = ["true", "false", "null"].find((l) => text.startsWith(l, i));
      if (literal) {
        i += literal.length;
        state = "after";
        continue;
      }
      return at(`Unexpected ${JSON.stringify(c)}: a value was expected`);
    }
    if (state === "key" || state === "key-or-end") {
      if (i >= n) return at("Unexpected end of input: a property name was expected");
      if (state === "key-or-end" && text[i] === "}") {
        i++;
        stack.pop();
        state = "after";
        continue;
      }
      if (text[i] !== '"') return at("Expected a double-quoted property name");
      const e = scanString();
      if (e) return e;
      skipSpace();
      if (text[i] !== ":") return at("Expected ':' after the property name");
      i++;
      state = "value";
      continue;
    }
    const top = stack[stack.length - 1];
    if (top === undefined) return i < n ? at("Unexpected text after the JSON value") : null;
    const close = top === "{" ? "}" : "]";
    if (i >= n) return at(`Unexpected end of input: expected ',' or '${close}'`);
    const c = text[i];
    if (c === ",") {
      i++;
      state = top === "{" ? "key" : "value";
      continue;
    }
    if (c === close) {
      i++;
      stack.pop();
      state = "after";
      continue;
    }
    return at(`Expected ',' or '${close}'`);
  }
}

/** What lies between a JSON string's quotes. */
const STRING_BODY = String.raw`[^"\\]*(?:\\.[^"\\]*)*`;
/** Every string of valid JSON text, in order; group 1 is set for property names (a string followed by ':'). */
const STRINGS = new RegExp(String.raw`"${STRING_BODY}"(\s*:)?`, "g");
/** The same, with the string's body in group 1 and the name mark in group 2, and the punctuation of arrays and objects. */
const TOKENS = new RegExp(String.raw`"(${STRING_BODY})"(\s*:)?|[{}[\],]`, "g");
/** A name with spaces before its colon. */
const SPACED_COLON = /"\s+:/;

export type JsonPathSegments = (string | number)[];

/**
 * At least as many as the property names in valid JSON text, and as many when no string holds an escaped quote
 * followed by ':'. A name is followed by '":', or by '"', spaces and ':'; inside a string, '":' can only be such an
 * escaped quote (a quote there is escaped), and after a string value comes ',', ']' or '}'. Counting '":' is native
 * and cheap; text with spaces before a colon is counted string by string.
 */
function namesInText(text: string): number {
  let count = 0;
  if (SPACED_COLON.test(text)) {
    STRINGS.lastIndex = 0;
    for (let m = STRINGS.exec(text); m; m = STRINGS.exec(text)) if (m[1] !== undefined) count++;
    return count;
  }
  for (let i = text.indexOf('":'); i >= 0; i = text.indexOf('":', i + 2)) count++;
  return count;
}

function namesInValue(value: unknown): number {
  let count = 0;
  const stack = [value];
  while (stack.length) {
    const v = stack.pop() as Record<string, unknown>;
    const keys = Object.keys(v);
    if (!Array.isArray(v)) count += keys.length;
    for (const key of keys) {
      const child = v[key];
      if (typeof child === "object" && child !== null) stack.push(child);
    }
  }
  return count;
}

/**
 * Where JSON text names a property twice in one object (FHIR JSON forbids it; JSON.parse keeps the last value): the
 * path of each repetition, e.g. ["entry", 3, "resource", "id"]. `value` is what JSON.parse made of `text`. Counting the
 * names in both first keeps this cheap when there is none (the text names more only if it repeats one); only when
 * they differ is the text scanned for them (iteratively).
 */
export function repeatedNames(text: string, value: unknown): JsonPathSegments[] {
  if (typeof value !== "object" || value === null || namesInText(text) === namesInValue(value)) return [];
  const found: JsonPathSegments[] = [];
  // One per open object or array: the names seen (objects) and the key or index being read.
  const open: { names: Set<string> | null; key: string | number }[] = [];
  TOKENS.lastIndex = 0;
  for (let m = TOKENS.exec(text); m; m = TOKENS.exec(text)) {
    const top = open[open.length - 1];
    const token = m[0];
    if (m[2] !== undefined && top?.names) {
      const name = m[1]!.includes("\\") ? (JSON.parse(`"${m[1]}"`) as string) : m[1]!;
      if (top.names.has(name)) found.push([...open.slice(0, -1).map((o) => o.key), name]);
      top.names.add(name);
      top.key = name;
    } else if (token === "{") open.push({ names: new Set(), key: "" });
    else if (token === "[") open.push({ names: null, key: 0 });
    else if (token === "}" || token === "]") open.pop();
    else if (token === "," && top && !top.names) top.key = (top.key as number) + 1;
  }
  return found;
}
