import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";

/**
 * The page's h1, which also sets the document title. After a client-side navigation focus moves to it, so that a
 * screen reader announces the new page as it would after a full page load.
 */
export function PageTitle({ children }: { children: string }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${children} – ${t("portal.name")}`;
  }, [children, t]);
  return (
    <h1 ref={ref} tabIndex={-1}>
      {children}
    </h1>
  );
}
