import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { NewMessageForm, UnitList } from "~/components/messages/new-message";
import { PageTitle } from "~/components/page-title";
import { useSubjectTexts } from "~/identity/subject";
import { newMessageAction, readNewMessagePage } from "~/messages/writing-pages.server";

export async function loader({ request }: LoaderFunctionArgs) {
  return readNewMessagePage(request);
}

export async function action({ request }: ActionFunctionArgs) {
  return newMessageAction(request);
}

/** A new message: the unit first (a link each), then the topic, the text and files; sent, the conversation. */
export default function NewMessage() {
  const page = useLoaderData<typeof loader>();
  const refusal = useActionData<typeof action>() ?? null;
  const { t } = useTranslation("messages");
  const { title } = useSubjectTexts();
  // A refused post comes back with the unit it was for, whatever the address says.
  const unit = page.unit ?? page.units.find((u) => u.id === refusal?.values.unit) ?? null;
  return (
    <>
      <PageTitle>{title(t("write.title"))}</PageTitle>
      {page.restored && !refusal ? <p className="notice">{t("write.restored")}</p> : null}
      {unit ? <NewMessageForm page={page} unit={unit} refusal={refusal} /> : <UnitList units={page.units} error={refusal?.errors.unit ?? page.unitError} />}
      <p>
        <Link to="/messages">{t("write.backToMessages")}</Link>
      </p>
    </>
  );
}
