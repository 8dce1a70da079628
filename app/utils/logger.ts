import pino from "pino";

/**
 * JSON lines on stdout. Only what operations needs: never personal data, query strings, cookies or bodies.
 */
export const logger = pino({
  level: process.env.LOG_LEVEL ?? "info",
  base: { service: "citizen-portal" },
  timestamp: pino.stdTimeFunctions.isoTime,
  formatters: { level: (label) => ({ level: label }) },
  redact: { paths: ["req.headers.cookie", "req.headers.authorization", "*.personnummer"], remove: true },
});
