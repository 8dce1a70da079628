import type { LoaderFunctionArgs } from "@remix-run/node";
import { calendarResponse } from "~/booking/pages.server";

/** An appointment's .ics file, for the citizen's calendar. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  return calendarResponse(request, params.id);
}
