import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PageTitle } from "~/components/page-title";
import { actingOptions, chooseSubject, requireSession } from "~/identity/access.server";
import { personName } from "~/identity/person-name";
import { safeRedirect } from "~/utils/redirect";
import { database } from "~/identity/database.server";
import { subjectChoiceSchema } from "~/identity/forms.server";

export const handle = { i18n: "account" };

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await requireSession(request);
  const options = await actingOptions(database(), session.personId);
  return data({ options, current: session.actingForPersonId });
}

/**
 * The acting-for switch. Any id other than the person's own or a child they may act for today answers 404. Afterwards
 * the person lands on the same kind of page (its first two path segments: a list, not another subject's entry).
 */
export async function action({ request }: ActionFunctionArgs) {
  const session = await requireSession(request);
  const parsed = subjectChoiceSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) throw new Response(null, { status: 404 });
  await chooseSubject(database(), session, parsed.data.subject);
  const back = safeRedirect(parsed.data.returnTo, "/");
  const path = new URL(back, "http://portal.invalid").pathname.split("/").slice(0, 3).join("/") || "/";
  return redirect(path, 303);
}

export default function ActingFor() {
  const { options, current } = useLoaderData<typeof loader>();
  const { t } = useTranslation("account");
  const available = options.filter((o) => o.refusal === null);
  const unavailable = options.filter((o) => o.refusal !== null);
  return (
    <div className="page narrow">
      <PageTitle>{t("actingFor.title")}</PageTitle>
      <p className="lead">{t("actingFor.intro")}</p>
      <ul className="choice-list">
        {available.map((o) => {
          const name = o.self ? `${personName(o, t)} (${t("identity:header.you")})` : personName(o, t);
          return (
            <li key={o.personId}>
              {o.personId === current ? (
                <p>
                  <strong>{name}</strong> – {t("actingFor.current")}
                </p>
              ) : (
                <Form method="post">
                  <input type="hidden" name="subject" value={o.personId} />
                  <button type="submit" className="button">
                    {t("actingFor.choose", { name })}
                  </button>
                </Form>
              )}
            </li>
          );
        })}
      </ul>
      {unavailable.length > 0 ? (
        <section aria-labelledby="unavailable-title">
          <h2 id="unavailable-title">{t("actingFor.unavailableTitle")}</h2>
          <ul>
            {unavailable.map((o) => (
              <li key={o.personId}>{t(`actingFor.reasons.${o.refusal ?? "not_guardian"}`, { name: personName(o, t) })}</li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
