import type { LoaderFunctionArgs } from "@remix-run/node";
import { startLoginResponse } from "~/identity/login.server";

export function loader({ request }: LoaderFunctionArgs) {
  return startLoginResponse(request);
}
