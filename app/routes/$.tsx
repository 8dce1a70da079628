import { useTranslation } from "react-i18next";
import { ErrorPage } from "~/components/error-page";

export function loader() {
  throw new Response(null, { status: 404 });
}

export default function NotFound() {
  useTranslation();
  return <ErrorPage status={404} />;
}

export function ErrorBoundary() {
  return <ErrorPage status={404} />;
}
