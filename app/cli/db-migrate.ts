import { ConfigError, parseConfig } from "~/config.server";
import { openDatabase } from "../../db/connection";
import { migrate } from "../../db/migrate";

try {
  const config = parseConfig();
  const handle = await openDatabase({ databaseUrl: config.DATABASE_URL, pgliteDir: config.PGLITE_DIR });
  await migrate(handle);
  await handle.close();
  console.log(`Migrations applied (${handle.kind}).`);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : `Migration failed: ${(error as Error).message}`);
  process.exit(1);
}
