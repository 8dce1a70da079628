import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportResponse } from "~/record/pages.server";

/** The subject's record as a FHIR R4 Bundle, downloaded as a file. */
export async function loader({ request }: LoaderFunctionArgs) {
  return exportResponse(request);
}
