import type { OperationOutcomeIssue } from "@medplum/fhirtypes";
import type { Request, Response } from "express";
import { problem } from "~/feed/outcome";
import { languageOf, translatorFor } from "~/i18n/i18next.server";
import { html } from "~/utils/html.server";

/**
 * The page for a request the server turns away before any route runs (a malformed address or form, a form from
 * another site, too many attempts): in the reader's language, with what to do next, and never the error itself.
 * Machine paths get a FHIR OperationOutcome instead.
 */

export type EdgeRefusal = "bad-request" | "too-large" | "unsupported-media-type" | "forbidden" | "too-many-requests";

const STATUS: Record<EdgeRefusal, number> = {
  "bad-request": 400,
  forbidden: 403,
  "too-large": 413,
  "unsupported-media-type": 415,
  "too-many-requests": 429,
};

const TEXTS: Record<EdgeRefusal, string> = {
  "bad-request": "badRequest",
  forbidden: "forbidden",
  "too-large": "tooLarge",
  "unsupported-media-type": "format",
  "too-many-requests": "tooMany",
};

const ISSUE_CODE: Record<EdgeRefusal, OperationOutcomeIssue["code"]> = {
  "bad-request": "invalid",
  forbidden: "forbidden",
  "too-large": "too-costly",
  "unsupported-media-type": "not-supported",
  "too-many-requests": "throttled",
};

export interface EdgePageOptions {
  retryAfterSeconds?: number;
  /** The portal's stylesheets (the root route's links), so the page looks like the rest of the portal. */
  stylesheets?: string[];
  /** Answer as a machine endpoint: an OperationOutcome. */
  machine?: boolean;
}

/** The same request as the Fetch API sees it: enough for the language (?lng, the lng cookie, Accept-Language). */
function fetchRequest(req: Request): globalThis.Request {
  const headers = new Headers();
  for (const name of ["cookie", "accept-language"]) {
    const value = req.headers[name];
    if (typeof value === "string") headers.set(name, value);
  }
  const query = req.originalUrl.indexOf("?");
  const lng = query === -1 ? null : new URLSearchParams(req.originalUrl.slice(query)).get("lng");
  return new globalThis.Request(`http://portal.invalid/${lng ? `?lng=${encodeURIComponent(lng)}` : ""}`, { headers });
}

export async function sendEdgePage(req: Request, res: Response, refusal: EdgeRefusal, options: EdgePageOptions = {}): Promise<void> {
  const status = STATUS[refusal];
  res.status(status).set("Cache-Control", "no-store");
  if (options.retryAfterSeconds !== undefined) res.set("Retry-After", String(options.retryAfterSeconds));
  if (refusal === "bad-request" || refusal === "too-large" || refusal === "unsupported-media-type") res.set("Connection", "close");
  const request = fetchRequest(req);
  const t = await translatorFor(request, "common");
  const key = TEXTS[refusal];
  const minutes = Math.max(1, Math.ceil((options.retryAfterSeconds ?? 60) / 60));
  const title = t(`errors.${key}Title`);
  const text = refusal === "too-many-requests" ? t("errors.tooManyText", { count: minutes }) : t(`errors.${key}Text`);
  if (options.machine) {
    res.type("application/fhir+json; charset=utf-8").send(JSON.stringify(problem(ISSUE_CODE[refusal], `${title}. ${text}`)));
    return;
  }
  const lng = await languageOf(request);
  const page = html`<!DOCTYPE html>
<html lang="${lng}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} – ${t("portal.name")}</title>
${(options.stylesheets ?? []).map((href) => html`<link rel="stylesheet" href="${href}">`)}
</head>
<body>
<main id="main">
<div class="page narrow">
<h1>${title}</h1>
<p>${text}</p>
<p class="muted">${t("errors.status", { status })}</p>
<p><a href="/">${t("errors.goHome")}</a></p>
</div>
</main>
</body>
</html>
`;
  res.type("text/html; charset=utf-8").send(page.html);
}
