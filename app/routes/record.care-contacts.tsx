import type { LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { SectionPage } from "~/components/record/section-page";
import { readSectionPage } from "~/record/pages.server";

export async function loader({ request }: LoaderFunctionArgs) {
  return data(await readSectionPage(request, "care_contacts"));
}

export default function CareContactsPage() {
  return <SectionPage data={useLoaderData<typeof loader>()} />;
}
