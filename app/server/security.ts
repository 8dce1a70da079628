import { randomBytes } from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import helmet from "helmet";

export function cspNonce(_req: Request, res: Response, next: NextFunction) {
  res.locals.cspNonce = randomBytes(16).toString("base64");
  next();
}

/** Security headers for every response; the CSP allows only this origin and scripts carrying the request's nonce. */
export function securityHeaders({ production }: { production: boolean }) {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        "default-src": ["'self'"],
        "script-src": ["'self'", (_req, res) => `'nonce-${(res as Response).locals.cspNonce as string}'`],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "manifest-src": ["'self'"],
        "connect-src": production ? ["'self'"] : ["'self'", "ws://localhost:*"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
        ...(production ? { "upgrade-insecure-requests": [] } : {}),
      },
    },
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: "same-origin" },
    strictTransportSecurity: production ? { maxAge: 31536000, includeSubDomains: true } : false,
    xFrameOptions: { action: "deny" },
  });
}

export const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Every state-changing request must come from the portal's own pages: its Origin must be ours or, when a browser
 * sends no Origin, Sec-Fetch-Site must say same-origin. Machine endpoints authenticated by a bearer token (never a
 * cookie) are exempt, each by its exact path (the edge has already refused any path not in the form the router serves).
 */
export function sameOriginOnly({
  origin,
  isMachinePath,
  refuse,
}: {
  origin: string;
  isMachinePath: (req: Request) => boolean;
  refuse: (req: Request, res: Response) => Promise<void>;
}) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (SAFE_METHODS.has(req.method) || isMachinePath(req)) return next();
    if (isSameOrigin(req.headers.origin, req.headers["sec-fetch-site"], origin)) return next();
    refuse(req, res).catch(next);
  };
}

export function isSameOrigin(originHeader: string | undefined, fetchSite: string | string[] | undefined, origin: string): boolean {
  if (originHeader && originHeader !== "null") return originHeader === origin;
  return fetchSite === "same-origin";
}
