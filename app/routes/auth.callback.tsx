import type { LoaderFunctionArgs } from "@remix-run/node";
import { callbackResponse } from "~/identity/login.server";

/** Where the identity provider sends the browser back: finish the login and move on, never render here. */
export function loader({ request }: LoaderFunctionArgs) {
  return callbackResponse(request);
}
