import type { LinksFunction } from "@remix-run/node";
import { Outlet } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import bookingStyles from "~/components/booking/booking.css";
import { AreaErrorBoundary } from "~/components/error-page";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: bookingStyles }];

// The booking pages name a unit's kind of provider in the record's words.
export const handle = { i18n: ["booking", "record"] };

/** The booking pages' frame (the site header says whose appointments they are). */
export default function AppointmentsLayout() {
  return (
    <div className="page narrow">
      <Outlet />
    </div>
  );
}

/** A 404 here: no such appointment, time or clinic for the subject on screen (or not theirs to see): one answer. */
export function ErrorBoundary() {
  const { t } = useTranslation("booking");
  return (
    <AreaErrorBoundary
      ways={[
        { to: "/appointments", label: t("nav.backToList") },
        { to: "/appointments/book", label: t("nav.book") },
      ]}
    />
  );
}
