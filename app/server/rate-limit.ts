import { createHash } from "node:crypto";
import { lt, sql } from "drizzle-orm";
import type { NextFunction, Request, Response } from "express";
import type { Database } from "../../db/connection";
import { rateLimits } from "../../db/schema";
import { logger } from "~/utils/logger";

/**
 * Limits on how often one client may do something, counted in PostgreSQL so that every portal process shares them:
 * a fixed window per client and kind of request, one upsert per counted request. A client over its limit gets 429
 * with Retry-After until its window ends.
 */

export interface RateRule {
  /** What is limited: "login", "form", "feed". */
  name: string;
  limit: number;
  windowSeconds: number;
}

export interface Verdict {
  allowed: boolean;
  /** Whole seconds until the client's window ends. */
  retryAfterSeconds: number;
}

function keyOf(rule: RateRule, client: string): string {
  return createHash("sha256").update(`${rule.name}\u0000${client}`).digest("base64url");
}

/** Counts one request of `client` against `rule`. */
export async function countRequest(db: Database, rule: RateRule, client: string): Promise<Verdict> {
  const expired = sql`${rateLimits.windowEndsAt} <= now()`;
  const [row] = await db
    .insert(rateLimits)
    .values({ key: keyOf(rule, client), hits: 1, windowEndsAt: sql`now() + make_interval(secs => ${rule.windowSeconds})` })
    .onConflictDoUpdate({
      target: rateLimits.key,
      set: {
        hits: sql`case when ${expired} then 1 else ${rateLimits.hits} + 1 end`,
        windowEndsAt: sql`case when ${expired} then excluded.window_ends_at else ${rateLimits.windowEndsAt} end`,
      },
    })
    .returning({ hits: rateLimits.hits, secondsLeft: sql<string>`extract(epoch from ${rateLimits.windowEndsAt} - now())` });
  if (!row) throw new Error("rate limit upsert returned no row");
  // A new window is the moment to forget the windows that ended long ago (every client's, not only this one's).
  if (row.hits === 1) await db.delete(rateLimits).where(lt(rateLimits.windowEndsAt, sql`now() - interval '1 day'`));
  return { allowed: row.hits <= rule.limit, retryAfterSeconds: Math.max(1, Math.ceil(Number(row.secondsLeft))) };
}

/**
 * Express middleware counting each request it sees against `rule`, per client address (`req.ip`, which honours the
 * proxy setting). If the database cannot be asked, the request goes on: the limit must never be why a page fails.
 */
export function rateLimit(db: () => Database, rule: RateRule, refuse: (req: Request, res: Response, retryAfterSeconds: number) => Promise<void>) {
  return (req: Request, res: Response, next: NextFunction) => {
    countRequest(db(), rule, req.ip ?? "unknown").then(
      (verdict) => {
        if (verdict.allowed) return next();
        logger.warn({ limit: rule.name, path: req.path }, "rate limit reached");
        return refuse(req, res, verdict.retryAfterSeconds).catch(next);
      },
      (error: unknown) => {
        logger.warn({ limit: rule.name, error: error instanceof Error ? error.message : String(error) }, "rate limit not counted");
        next();
      },
    );
  };
}
