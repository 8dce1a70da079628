import type { LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { UnitChoice } from "~/components/booking/book-steps";
import { PageTitle } from "~/components/page-title";
import { readUnitsPage } from "~/booking/pages.server";
import { useSubjectTexts } from "~/identity/subject";

export async function loader({ request }: LoaderFunctionArgs) {
  return data(await readUnitsPage(request));
}

/** Booking, first step: the clinic. */
export default function BookUnit() {
  const { inCare, open } = useLoaderData<typeof loader>();
  const { t } = useTranslation("booking");
  const { title } = useSubjectTexts();
  return (
    <>
      <PageTitle>{title(t("book.title"))}</PageTitle>
      <p className="lead">{t("book.intro")}</p>
      <UnitChoice inCare={inCare} open={open} />
      <p>
        <Link to="/appointments">{t("nav.backToList")}</Link>
      </p>
    </>
  );
}
