import type { LoaderFunctionArgs } from "@remix-run/node";
import { downloadAttachment } from "~/messages/writing-pages.server";

/** An attachment of the subject's messages, as a download (never shown in the page). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  return downloadAttachment(request, params.attachmentId);
}
