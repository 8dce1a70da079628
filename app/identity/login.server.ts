import { redirect } from "@remix-run/node";
import { languageOf } from "~/i18n/i18next.server";
import { logger } from "~/utils/logger";
import { safeRedirect } from "~/utils/redirect";
import { database } from "../../db/connection";
import { asksNewEntriesChoice } from "./new-entries.server";
import { beginLogin, completeLogin } from "./oidc.server";

/**
 * Starts the login and sends the browser to the identity provider. Reached by a link (GET): the only effect is a
 * short-lived, unauthenticated login flow bound to this browser, which a forged request cannot turn to its use; and
 * a form post would be stopped by the CSP's form-action on its way to the provider.
 */
export async function startLoginResponse(request: Request): Promise<Response> {
  const returnTo = safeRedirect(new URL(request.url).searchParams.get("returnTo"), "/");
  try {
    const { authorizationUrl, cookie } = await beginLogin(database(), { returnTo, language: await languageOf(request) });
    return redirect(authorizationUrl, { headers: { "Set-Cookie": cookie } });
  } catch (error) {
    logger.warn({ error: error instanceof Error ? error.message : String(error) }, "login could not start");
    return redirect("/login?error=unavailable");
  }
}

/**
 * The identity provider's redirect back: finish the login and move on (to the new-entries choice if the person has a
 * record online, or straight on), or say why not.
 */
export async function callbackResponse(request: Request): Promise<Response> {
  const result = await completeLogin(database(), request);
  const headers = new Headers();
  for (const cookie of result.cookies) headers.append("Set-Cookie", cookie);
  logger.info({ outcome: result.outcome, ...(result.outcome === "admitted" ? {} : { reason: result.reason }) }, "login");
  switch (result.outcome) {
    case "admitted":
      if (!(await asksNewEntriesChoice(database(), result.personId))) return redirect(result.returnTo, { headers });
      return redirect(`/login/new-entries?returnTo=${encodeURIComponent(result.returnTo)}`, { headers });
    case "refused":
      return redirect(`/login/refused?reason=${result.reason}`, { headers });
    case "failed":
      return redirect(`/login?error=${result.reason}`, { headers });
  }
}
