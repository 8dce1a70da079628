import { hostname } from "node:os";
import { open, readFile, unlink } from "node:fs/promises";

/**
 * PGlite has no cross-process locking, and two processes on one data directory corrupt it. Whoever opens a directory
 * (the portal server, `npm run feed:import`, `npm run db:migrate`) first takes `<dir>.lock`, holding its process id; a
 * second opener is refused while that process lives. A lock left by a process that has died is taken over.
 */
export class PgliteLockedError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(
      `The PGlite database in ${dir} is in use by process ${pid} (a running portal server?). ` +
        "Stop that process, or set DATABASE_URL to use PostgreSQL.",
    );
    this.name = "PgliteLockedError";
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes the lock on `dir`; resolves to the function that releases it. */
export async function acquirePgliteLock(dir: string): Promise<() => Promise<void>> {
  const lockPath = `${dir}.lock`;
  const mine = `${process.pid}@${hostname()}`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(lockPath, "wx");
      await handle.writeFile(mine);
      await handle.close();
      return async () => {
        const held = await readFile(lockPath, "utf8").catch(() => "");
        if (held === mine) await unlink(lockPath).catch(() => {});
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const held = await readFile(lockPath, "utf8").catch(() => "");
      const [pidText, host] = held.split("@");
      const pid = Number(pidText);
      const sameHost = !host || host === hostname();
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && (!sameHost || alive(pid))) throw new PgliteLockedError(dir, pid);
      await unlink(lockPath).catch(() => {});
    }
  }
  throw new Error(`Could not take the lock ${lockPath}`);
}
