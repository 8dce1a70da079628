import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { languageOf } from "~/i18n/i18next.server";
import { beginLogin } from "~/identity/oidc.server";
import { logger } from "~/server/logger";
import { safeRedirect } from "~/utils/redirect";
import { database } from "../../db/connection";

/**
 * Starts the login and sends the browser to the identity provider. A GET reached by a link: the only effect is a
 * short-lived, unauthenticated login flow bound to this browser, which a forged request cannot turn to its use.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const returnTo = safeRedirect(new URL(request.url).searchParams.get("returnTo"), "/");
  try {
    const { authorizationUrl, cookie } = await beginLogin(database(), { returnTo, language: await languageOf(request) });
    return redirect(authorizationUrl, { headers: { "Set-Cookie": cookie } });
  } catch (error) {
    logger.warn({ error: error instanceof Error ? error.message : String(error) }, "login could not start");
    return redirect("/login?error=unavailable");
  }
}
