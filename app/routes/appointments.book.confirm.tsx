import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ConfirmBooking } from "~/components/booking/book-steps";
import { PageTitle } from "~/components/page-title";
import { bookTime, readConfirmPage } from "~/booking/pages.server";
import { useSubjectTexts } from "~/identity/subject";

export async function loader({ request }: LoaderFunctionArgs) {
  return readConfirmPage(request);
}

export async function action({ request }: ActionFunctionArgs) {
  return bookTime(request);
}

/** Booking, last step: what will be booked, an optional reason, and the button; a refusal comes back here. */
export default function ConfirmTime() {
  const page = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const { t } = useTranslation("booking");
  const { title } = useSubjectTexts();
  return (
    <>
      <PageTitle>{title(t("book.confirmTitle"))}</PageTitle>
      {page.chosen ? <p className="lead">{t("book.confirmIntro")}</p> : null}
      <ConfirmBooking page={page} errors={failed?.errors ?? {}} otherTimes={failed?.otherTimes ?? null} reason={failed?.reason} />
    </>
  );
}
