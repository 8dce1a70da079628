/**
 * Where JSON text first goes wrong. V8's JSON.parse names a position for some errors only, so after a failed parse the
 * text is scanned again by this small validator (iterative: any nesting depth) to tell the sender the line and column.
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
