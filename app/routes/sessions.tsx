import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PageTitle } from "~/components/page-title";
import { TableRegion } from "~/components/table-region";
import { config } from "~/config.server";
import { formatDateTime } from "~/i18n/format";
import { requireSession } from "~/identity/access.server";
import { endOtherSessions, endSession, listActiveSessions } from "~/identity/session.server";
import { describeUserAgent } from "~/identity/user-agent";
import { database } from "~/identity/database.server";
import { sessionIntentSchema } from "~/identity/forms.server";

export const handle = { i18n: "account" };

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await requireSession(request);
  const sessions = await listActiveSessions(database(), session.personId);
  const ended = Number(new URL(request.url).searchParams.get("ended"));
  return data({
    sessions: sessions.map((s) => ({
      sessionId: s.sessionId,
      createdAt: s.createdAt.toISOString(),
      lastSeenAt: s.lastSeenAt.toISOString(),
      device: describeUserAgent(s.userAgent),
      current: s.sessionId === session.sessionId,
    })),
    ended: Number.isInteger(ended) && ended > 0 ? ended : null,
    idleMinutes: config().SESSION_IDLE_MINUTES,
    absoluteHours: config().SESSION_ABSOLUTE_HOURS,
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const session = await requireSession(request);
  const parsed = sessionIntentSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) throw new Response(null, { status: 400 });
  let ended = 0;
  if (parsed.data.intent === "end-others") {
    ended = await endOtherSessions(database(), session.personId, session.sessionId);
  } else if (parsed.data.sessionId !== session.sessionId) {
    // Another person's session, or one that no longer exists: the same answer.
    if (!(await endSession(database(), session.personId, parsed.data.sessionId))) throw new Response(null, { status: 404 });
    ended = 1;
  }
  return redirect(`/sessions?ended=${ended}`, 303);
}

export default function Sessions() {
  const { sessions, ended, idleMinutes, absoluteHours } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation("account");
  const others = sessions.filter((s) => !s.current);
  return (
    <div className="page">
      <PageTitle>{t("sessions.title")}</PageTitle>
      <p className="lead">{t("sessions.intro")}</p>
      {ended ? (
        <p className="notice" role="status">
          {t("sessions.ended", { count: ended })}
        </p>
      ) : null}
      <TableRegion captionId="sessions-caption">
        <table>
          <caption id="sessions-caption" className="visually-hidden">
            {t("sessions.caption")}
          </caption>
          <thead>
            <tr>
              <th scope="col">{t("sessions.started")}</th>
              <th scope="col">{t("sessions.lastSeen")}</th>
              <th scope="col">{t("sessions.device")}</th>
              <td />
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr key={s.sessionId}>
                <td>{formatDateTime(s.createdAt, i18n.language)}</td>
                <td>{formatDateTime(s.lastSeenAt, i18n.language)}</td>
                <td>{s.device ?? t("sessions.unknownDevice")}</td>
                <td>
                  {s.current ? (
                    <strong>{t("sessions.thisSession")}</strong>
                  ) : (
                    <Form method="post">
                      <input type="hidden" name="intent" value="end" />
                      <input type="hidden" name="sessionId" value={s.sessionId} />
                      <button
                        type="submit"
                        className="button button--small"
                        aria-label={t("sessions.endLabel", { started: formatDateTime(s.createdAt, i18n.language) })}
                      >
                        {t("sessions.end")}
                      </button>
                    </Form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableRegion>
      {others.length > 0 ? (
        <Form method="post">
          <input type="hidden" name="intent" value="end-others" />
          <p>
            <button type="submit" className="button">
              {t("sessions.endOthers")}
            </button>
          </p>
        </Form>
      ) : (
        <p>{t("sessions.noOthers")}</p>
      )}
      <p className="muted">{t("sessions.expiry", { idle: idleMinutes, hours: absoluteHours })}</p>
    </div>
  );
}
