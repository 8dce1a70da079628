import { defineConfig } from "drizzle-kit";

// Migrations are generated from db/schema and applied by the portal itself at start-up (db/migrate.ts) on either
// driver; drizzle-kit is only used to generate them, so it needs no database connection.
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema/index.ts",
  out: "./db/migrations",
  casing: "snake_case",
});
