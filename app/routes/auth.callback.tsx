import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { completeLogin } from "~/identity/oidc.server";
import { logger } from "~/server/logger";
import { database } from "../../db/connection";

/** Where the identity provider sends the browser back: finish the login and move on, never render here. */
export async function loader({ request }: LoaderFunctionArgs) {
  const result = await completeLogin(database(), request);
  const headers = new Headers();
  for (const cookie of result.cookies) headers.append("Set-Cookie", cookie);
  logger.info({ outcome: result.outcome, ...(result.outcome === "admitted" ? {} : { reason: result.reason }) }, "login");
  switch (result.outcome) {
    case "admitted":
      return redirect(`/login/new-entries?returnTo=${encodeURIComponent(result.returnTo)}`, { headers });
    case "refused":
      return redirect(`/login/refused?reason=${result.reason}`, { headers });
    case "failed":
      return redirect(`/login?error=${result.reason}`, { headers });
  }
}
