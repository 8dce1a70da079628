import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PageTitle } from "~/components/page-title";
import { formatDateTime } from "~/i18n/format";
import { requireSession } from "~/identity/access.server";
import { asksNewEntriesChoice, chooseHiddenEntries, HIDE_ENTRIES_DAYS } from "~/identity/new-entries.server";
import { safeRedirect } from "~/utils/redirect";
import { database } from "~/identity/database.server";
import { newEntriesChoiceSchema } from "~/identity/forms.server";

export const handle = { i18n: "account" };

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await requireSession(request);
  const returnTo = safeRedirect(new URL(request.url).searchParams.get("returnTo"), "/");
  // Nothing to hide for someone without a record online (13–15).
  if (!(await asksNewEntriesChoice(database(), session.personId))) throw redirect(returnTo);
  return data({ returnTo, hideEntriesAfter: session.hideEntriesAfter?.toISOString() ?? null, days: HIDE_ENTRIES_DAYS });
}

export async function action({ request }: ActionFunctionArgs) {
  const session = await requireSession(request);
  const parsed = newEntriesChoiceSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return data({ error: "newEntries.required" as const }, { status: 400 });
  await chooseHiddenEntries(database(), session, parsed.data.show === "hide_recent");
  return redirect(safeRedirect(parsed.data.returnTo, "/"), 303);
}

export default function NewEntriesChoice() {
  const { returnTo, hideEntriesAfter } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t, i18n } = useTranslation("account");
  const error = actionData?.error;
  return (
    <div className="page narrow">
      <PageTitle>{t("newEntries.title")}</PageTitle>
      <p className="lead">{t("newEntries.intro")}</p>
      <p>
        {hideEntriesAfter
          ? t("newEntries.current.hidden", { date: formatDateTime(hideEntriesAfter, i18n.language) })
          : t("newEntries.current.shown")}
      </p>
      <Form method="post" noValidate>
        <input type="hidden" name="returnTo" value={returnTo} />
        <fieldset aria-describedby="show-hint show-error" aria-invalid={error ? true : undefined}>
          <legend>{t("newEntries.legend")}</legend>
          <p className="hint" id="show-hint">
            {t("newEntries.hint")}
          </p>
          <div className="choice">
            <input type="radio" id="show-all" name="show" value="all" defaultChecked={!hideEntriesAfter} />
            <label htmlFor="show-all">{t("newEntries.showAll")}</label>
          </div>
          <div className="choice">
            <input type="radio" id="show-hide" name="show" value="hide_recent" defaultChecked={!!hideEntriesAfter} />
            <label htmlFor="show-hide">{t("newEntries.hideRecent")}</label>
          </div>
          <p className="field-error" id="show-error">
            {error ? t(error) : null}
          </p>
        </fieldset>
        <p>
          <button type="submit" className="button button--primary">
            {t("newEntries.save")}
          </button>
        </p>
      </Form>
    </div>
  );
}
