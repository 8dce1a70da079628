import type { LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { bookLink, WeekOfTimes } from "~/components/booking/free-times";
import { PageTitle } from "~/components/page-title";
import { readWeekPage } from "~/booking/pages.server";
import { useSubjectTexts } from "~/identity/subject";

export async function loader({ request, params }: LoaderFunctionArgs) {
  return data(await readWeekPage(request, params.unitId, params.typeId));
}

/** Booking, third step: a week of free times, by day; each leads to the confirmation page. */
export default function BookTime() {
  const { type, week } = useLoaderData<typeof loader>();
  const { t } = useTranslation("booking");
  const { title } = useSubjectTexts();
  const unitPath = `/appointments/book/${encodeURIComponent(type.unit.id)}`;
  return (
    <>
      <PageTitle>{title(t("book.weekTitle"))}</PageTitle>
      <p className="lead">
        {type.name} · {type.unit.name}
      </p>
      {type.preparation ? <p className="preparation">{type.preparation}</p> : null}
      <WeekOfTimes week={week} path={`${unitPath}/${encodeURIComponent(type.id)}`} choose={bookLink} />
      <p>
        <Link to={unitPath}>{t("nav.backToTypes")}</Link>
      </p>
    </>
  );
}
