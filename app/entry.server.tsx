import { Writable } from "node:stream";
import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { renderToPipeableStream } from "react-dom/server";
import { I18nextProvider } from "react-i18next";
import { NonceProvider } from "~/components/nonce";
import { DocumentTitleSink } from "~/components/page-title";
import { KeptMarkupProvider } from "~/components/server-html";
import { i18nFor, languageOf } from "~/i18n/i18next.server";
import { escapeHtml, keptMarkup } from "~/utils/html.server";

export const streamTimeout = 5_000;

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const lng = await languageOf(request);
  const i18n = i18nFor(lng);
  const nonce = loadContext.cspNonce ?? "";

  // Every loader has finished before the render starts (no deferred data): the document is sent once it is whole, with
  // the title the page's PageTitle gave in place of the head's general one (the head is rendered before the page).
  const titled: { title?: string } = {};
  return new Promise<Response>((resolve, reject) => {
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <I18nextProvider i18n={i18n}>
          <KeptMarkupProvider value={keptMarkup()}>
            <DocumentTitleSink.Provider value={titled}>
              <RemixServer context={remixContext} url={request.url} abortDelay={streamTimeout} nonce={nonce} />
            </DocumentTitleSink.Provider>
          </KeptMarkupProvider>
        </I18nextProvider>
      </NonceProvider>,
      {
        nonce,
        onAllReady() {
          const chunks: Buffer[] = [];
          const collect = new Writable({
            write(chunk: Buffer, _encoding, done) {
              chunks.push(chunk);
              done();
            },
            final(done) {
              const html = Buffer.concat(chunks).toString("utf8");
              const page = titled.title === undefined ? html : html.replace(/<title>[^<]*<\/title>/, `<title>${escapeHtml(titled.title)}</title>`);
              responseHeaders.set("Content-Type", "text/html; charset=utf-8");
              resolve(new Response(page, { headers: responseHeaders, status: responseStatusCode }));
              done();
            },
          });
          pipe(collect);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          // The message only (no stack, no props that may hold patient data); never sent to the browser.
          console.error(error instanceof Error ? error.message : "render error");
        },
      },
    );
    setTimeout(abort, streamTimeout + 1000);
  });
}

/**
 * Loader and action errors: log the message only, never patient data or stacks in production logs. A failed query's
 * message carries its SQL and values (a search text among them): its cause, the database's own message, is logged.
 */
export function handleError(error: unknown, { request }: { request: Request }) {
  if (request.signal.aborted) return;
  const reported = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const message = reported instanceof Error ? reported.message : String(reported);
  // Outside production, where it failed: the frames only (the stack's first lines repeat the message).
  const stack = process.env.NODE_ENV === "production" || !(error instanceof Error) ? undefined : error.stack?.split("\n").filter((l) => /^\s+at /.test(l)).join("\n");
  console.error(JSON.stringify({ level: "error", msg: "request failed", path: new URL(request.url).pathname, error: message, stack }));
}
