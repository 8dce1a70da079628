import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { isLanguage } from "~/i18n/config";
import { languageCookie } from "~/i18n/i18next.server";
import { safeRedirect } from "~/utils/redirect";

export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const lng = form.get("lng");
  const returnTo = safeRedirect(form.get("returnTo"));
  if (!isLanguage(lng)) return redirect(returnTo, 303);
  return redirect(returnTo, { status: 303, headers: { "Set-Cookie": await languageCookie.serialize(lng) } });
}

export function loader() {
  return redirect("/");
}
