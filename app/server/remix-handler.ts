import type { AppLoadContext, ServerBuild } from "@remix-run/node";
import { createRequestHandler, writeReadableStreamToWritable } from "@remix-run/node";
import type { NextFunction, Request, Response } from "express";
import { EdgeError, readFormBody, type FormBodyLimits } from "./edge";

/**
 * Hands a request to Remix, as @remix-run/express does, with three differences that are the edge's job:
 * - The URL is the portal's public origin and the path as checked (app/server/edge.ts), never what the Host header
 *   claims: a POST whose Host and Origin disagree is judged by sameOriginOnly against the configured origin, and
 *   Remix sees the same origin.
 * - A form post's body is read and checked first, so an action only ever parses well-formed form data.
 * - Remix runs in production mode whatever NODE_ENV says: an error's message and stack go to the server log
 *   (entry.server's handleError), never into a page.
 * The answer's headers replace those set by the middleware before it (no header is sent twice).
 */

export interface RemixHandlerOptions {
  build: ServerBuild | (() => Promise<ServerBuild>);
  origin: string;
  formBodyLimits: FormBodyLimits;
  getLoadContext: (req: Request, res: Response) => AppLoadContext;
  onEdgeError: (req: Request, res: Response, error: EdgeError) => Promise<void>;
}

const WITHOUT_BODY = new Set(["GET", "HEAD"]);

export function remixHandler(options: RemixHandlerOptions) {
  const handle = createRequestHandler(options.build, "production");
  const host = new URL(options.origin).host;

  const serve = async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      const body = WITHOUT_BODY.has(req.method) ? undefined : await readFormBody(req, options.formBodyLimits);
      const headers = new Headers();
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const name = req.rawHeaders[i] as string;
        if (name.toLowerCase() !== "host") headers.append(name, req.rawHeaders[i + 1] as string);
      }
      headers.set("host", host);
      const controller = new AbortController();
      res.on("close", () => {
        if (!res.writableFinished) controller.abort();
      });
      const request = new globalThis.Request(`${options.origin}${req.originalUrl}`, {
        method: req.method,
        headers,
        body,
        signal: controller.signal,
      });
      const response = await handle(request, options.getLoadContext(req, res));
      res.statusMessage = response.statusText;
      res.status(response.status);
      for (const [name, value] of response.headers) if (name !== "set-cookie") res.setHeader(name, value);
      const cookies = response.headers.getSetCookie();
      if (cookies.length) res.setHeader("Set-Cookie", cookies);
      if (response.body) await writeReadableStreamToWritable(response.body, res);
      else res.end();
    } catch (error) {
      if (error instanceof EdgeError) return options.onEdgeError(req, res, error);
      next(error);
    }
  };
  return (req: Request, res: Response, next: NextFunction): void => void serve(req, res, next).catch(next);
}
