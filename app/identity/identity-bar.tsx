import { Form, Link, useLocation } from "@remix-run/react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { HeaderIdentity } from "./header.server";
import { personName } from "./person-name";

/**
 * The part of the page header about the logged-in person: who they are, whose data is on screen (always), the
 * acting-for switch, the personal links (`links`: other areas' own, as list items) and log out. Plain forms: all of it works without JavaScript.
 */
export function IdentityBar({ identity, links }: { identity: HeaderIdentity | null; links?: ReactNode }) {
  const { t } = useTranslation("identity");
  const location = useLocation();
  if (!identity) return null;
  const { person, subject, choices } = identity;
  const subjectName = personName(subject, t);
  return (
    <div className="identity-bar" aria-label={t("header.label")} role="region">
      <div className="identity-bar__inner">
        <div className="identity-bar__who">
          <p className="identity-bar__person">{t("header.loggedInAs", { name: personName(person, t) })}</p>
          <p className={subject.self ? "identity-bar__subject" : "identity-bar__subject identity-bar__subject--child"} data-testid="subject">
            {subject.self ? t("header.showingSelf") : t("header.showingFor", { name: subjectName })}
          </p>
        </div>
        {choices.length > 1 ? (
          <Form method="post" action="/acting-for" className="identity-bar__switch">
            <input type="hidden" name="returnTo" value={location.pathname} />
            <label htmlFor="acting-for-subject">{t("header.switchLabel")}</label>
            <select id="acting-for-subject" name="subject" defaultValue={subject.personId} key={subject.personId}>
              {choices.map((c) => (
                <option key={c.personId} value={c.personId}>
                  {c.self ? `${personName(c, t)} (${t("header.you")})` : personName(c, t)}
                </option>
              ))}
            </select>
            <button type="submit" className="button button--small">
              {t("header.switchAction")}
            </button>
          </Form>
        ) : null}
        <nav aria-label={t("header.accountLinks")} className="identity-bar__links">
          <ul className="inline-list">
            {links}
            {identity.recordShown ? (
              <li>
                <Link to="/access-log">{t("header.accessLog")}</Link>
              </li>
            ) : null}
            <li>
              <Link to="/sessions">{t("header.sessions")}</Link>
            </li>
            <li>
              <Link to="/settings/contact">{t("header.contactSettings")}</Link>
            </li>
          </ul>
        </nav>
        <Form method="post" action="/logout" className="identity-bar__logout">
          <button type="submit" className="button button--small">
            {t("header.logout")}
          </button>
        </Form>
      </div>
    </div>
  );
}
