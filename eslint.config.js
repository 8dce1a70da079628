import js from "@eslint/js";
import i18next from "eslint-plugin-i18next";
import tseslint from "typescript-eslint";

/** The attributes whose values a reader sees or hears, in JSX and in server-built markup alike. */
const VISIBLE_ATTRIBUTES = ["alt", "aria-label", "title", "placeholder", "aria-description", "label"];
const VISIBLE_ATTRIBUTE_OPENED = new RegExp(`\\s(${VISIBLE_ATTRIBUTES.join("|")})="[^"]*$`);
const VISIBLE_ATTRIBUTE_VALUE = new RegExp(`\\s(?:${VISIBLE_ATTRIBUTES.join("|")})="([^"]*)"`, "g");
const LETTER = /\p{L}/u;

/**
 * The i18n rule for markup the server builds as text (app/utils/html.server.ts): in an html`…` template, the text
 * between tags and the visible attributes' values must hold no word of their own, and neither may a string written
 * into the template as a value (`${"Hello"}`, `${x ? "Yes" : null}`). Words come from t(), as in JSX.
 */
const htmlTemplateText = {
  meta: { type: "problem", messages: { literal: "Visible text in an html template must come from the locales (t): {{text}}" } },
  create(context) {
    const report = (node, text) => context.report({ node, messageId: "literal", data: { text: text.trim().slice(0, 40) } });
    /** String literals that would be inserted as they are (not a call's arguments, such as t()'s keys). */
    const checkInserted = (node) => {
      if (!node) return;
      if (node.type === "Literal" && typeof node.value === "string" && LETTER.test(node.value)) report(node, node.value);
      else if (node.type === "TemplateLiteral") {
        const text = node.quasis.map((q) => q.value.cooked ?? "").join(" ");
        if (LETTER.test(text)) report(node, text);
        node.expressions.forEach(checkInserted);
      } else if (node.type === "ConditionalExpression") [node.consequent, node.alternate].forEach(checkInserted);
      else if (node.type === "LogicalExpression") [node.left, node.right].forEach(checkInserted);
    };
    return {
      TaggedTemplateExpression(node) {
        if (node.tag.type !== "Identifier" || node.tag.name !== "html") return;
        const { quasis, expressions } = node.quasi;
        let before = "";
        quasis.forEach((quasi, i) => {
          before += quasi.value.cooked ?? "";
          const expression = expressions[i];
          if (!expression) return;
          const inTag = before.lastIndexOf("<") > before.lastIndexOf(">");
          if (!inTag || VISIBLE_ATTRIBUTE_OPENED.test(before)) checkInserted(expression);
          before += "\u0000";
        });
        const attributes = [...before.matchAll(/<[^>]*>/g)].flatMap((tag) => [...tag[0].matchAll(VISIBLE_ATTRIBUTE_VALUE)].map((m) => m[1]));
        const text = before.replace(/<[^>]*>/g, " ").replace(/&(#\d+|[a-z]+);/gi, " ");
        for (const literal of [text, ...attributes]) if (LETTER.test(literal.replaceAll("\u0000", " "))) report(node.quasi, literal);
      },
    };
  },
};

export default tseslint.config(
  {
    ignores: ["build/**", "public/build/**", "node_modules/**", ".data/**", "test-results/**", "playwright-report/**", "bench-out/**"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { ecmaFeatures: { jsx: true } } },
    rules: {
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-console": "off",
    },
  },
  {
    // Rules that need the types: a promise nobody awaits, a promise where a callback's result is ignored, a switch
    // that forgets a case of a union.
    files: ["**/*.{ts,tsx}"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/switch-exhaustiveness-check": ["error", { considerDefaultExhaustiveForUnions: true }],
    },
  },
  {
    // Every visible string comes from app/locales: literal text in JSX is an error.
    files: ["app/**/*.tsx"],
    ignores: ["app/**/*.test.tsx"],
    plugins: { i18next },
    rules: {
      "i18next/no-literal-string": [
        "error",
        {
          mode: "jsx-only",
          "jsx-attributes": { include: VISIBLE_ATTRIBUTES },
          callees: { exclude: ["t", "i18n.t", "useTranslation", "Error", "require", "^(?!.*)"] },
        },
      ],
    },
  },
  {
    // The same for the markup the server builds as text (the trend, the printout, the edge's pages).
    files: ["app/**/*.ts"],
    ignores: ["app/**/*.test.ts"],
    plugins: { portal: { rules: { "html-template-text": htmlTemplateText } } },
    rules: { "portal/html-template-text": "error" },
  },
);
