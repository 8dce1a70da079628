import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import {
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLocation,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useChangeLanguage } from "remix-i18next/react";
import { ErrorPage } from "~/components/error-page";
import { MessagesLink } from "~/components/messages/header-link";
import { SiteFooter, SiteHeader } from "~/components/site-shell";
import { useNonce } from "~/components/nonce";
import { headerIdentity } from "~/identity/header.server";
import { IdentityBar } from "~/identity/identity-bar";
import { isLanguage, type Language } from "~/i18n/config";
import { languageOf } from "~/i18n/i18next.server";
import { readUnreadCount } from "~/messages/pages.server";
import { useRouteTexts } from "~/i18n/route-texts";
import stylesheet from "~/styles/app.css";

// The icons, the web manifest and robots.txt are files in public/ (app/cli/icons.ts draws the PNGs and the ICO).
export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "icon", href: "/favicon.ico", sizes: "32x32" },
  { rel: "icon", href: "/icon.svg", type: "image/svg+xml" },
  { rel: "apple-touch-icon", href: "/apple-touch-icon.png" },
  { rel: "manifest", href: "/manifest.webmanifest" },
];

export const meta: MetaFunction = () => [
  { name: "viewport", content: "width=device-width, initial-scale=1" },
  // --brand in app/styles/app.css, as in the manifest.
  { name: "theme-color", content: "#00508c" },
];

// The texts of the site's shell (header, footer, error pages) and of the identity bar, on every page.
export const handle = { i18n: ["common", "identity"] };

export async function loader({ request }: LoaderFunctionArgs) {
  const [locale, identity] = await Promise.all([languageOf(request), headerIdentity(request)]);
  // The subject's conversations with unread care messages, when they have messages to read (null otherwise).
  const unreadConversations = identity ? await readUnreadCount(request) : null;
  return data({ locale, identity, unreadConversations });
}

function useLocale(): Language {
  const rootData = useRouteLoaderData<typeof loader>("root");
  const { i18n } = useTranslation();
  const lng = rootData?.locale ?? i18n.language;
  return isLanguage(lng) ? lng : "sv";
}

export function Layout({ children }: { children: React.ReactNode }) {
  const locale = useLocale();
  const rootData = useRouteLoaderData<typeof loader>("root");
  const nonce = useNonce();
  const { t } = useTranslation();
  useChangeLanguage(locale);
  useRouteTexts();
  return (
    <html lang={locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="description" content={t("meta.description")} />
        {/* The page's own title replaces this in the server's document (entry.server), and in the browser (PageTitle). */}
        <title suppressHydrationWarning>{t("portal.name")}</title>
        <Meta />
        <Links />
      </head>
      <body>
        <a className="skip-link" href="#main">
          {t("skipLink")}
        </a>
        <SiteHeader locale={locale}>
          <IdentityBar
            identity={rootData?.identity ?? null}
            links={
              typeof rootData?.unreadConversations === "number" ? (
                <li>
                  <MessagesLink unread={rootData.unreadConversations} />
                </li>
              ) : null
            }
          />
        </SiteHeader>
        <main id="main" tabIndex={-1}>
          {children}
        </main>
        <SiteFooter />
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  useLocation();
  if (isRouteErrorResponse(error)) return <ErrorPage status={error.status} />;
  return <ErrorPage status={500} />;
}
