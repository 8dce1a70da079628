import type { LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { TypeChoice } from "~/components/booking/book-steps";
import { PageTitle } from "~/components/page-title";
import { readTypesPage } from "~/booking/pages.server";
import { useSubjectTexts } from "~/identity/subject";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return data(await readTypesPage(request, params.unitId));
}

/** Booking, second step: the kind of visit at the clinic, with how to prepare. */
export default function BookType() {
  const { unit, types } = useLoaderData<typeof loader>();
  const { t } = useTranslation("booking");
  const { title } = useSubjectTexts();
  return (
    <>
      <PageTitle>{title(t("book.typesTitle"))}</PageTitle>
      <p className="lead">{t("book.typesIntro", { unit: unit.name })}</p>
      <TypeChoice unitId={unit.id} types={types} />
      <p>
        <Link to="/appointments/book">{t("nav.backToUnits")}</Link>
      </p>
    </>
  );
}
