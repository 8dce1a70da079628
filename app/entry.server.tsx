import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { renderToPipeableStream } from "react-dom/server";
import { I18nextProvider } from "react-i18next";
import { NonceProvider } from "~/components/nonce";
import { KeptMarkupProvider } from "~/components/server-html";
import { i18nFor, languageOf } from "~/i18n/i18next.server";
import { keptMarkup } from "~/utils/html.server";

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

  // Every loader has finished before the render starts (no deferred data), so nothing is gained by streaming the
  // document in React's small chunks: render it whole, then send it in one write.
  return new Promise<Response>((resolve, reject) => {
    // React writes to this as to a Node stream, but the document is only gathered here: a Writable's machinery for
    // every 2 kB chunk (and its second end() when React's close listener fires) is work for nothing.
    const chunks: Uint8Array[] = [];
    const sink = {
      write(chunk: Uint8Array) {
        chunks.push(chunk);
        return true;
      },
      end() {
        clearTimeout(timeout);
        responseHeaders.set("Content-Type", "text/html; charset=utf-8");
        resolve(new Response(Buffer.concat(chunks), { headers: responseHeaders, status: responseStatusCode }));
      },
      // Called instead of end() when the render failed before it was piped here.
      destroy(error?: unknown) {
        clearTimeout(timeout);
        reject(error instanceof Error ? error : new Error("render failed"));
      },
      on() {
        return sink;
      },
    };
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <I18nextProvider i18n={i18n}>
          <KeptMarkupProvider value={keptMarkup()}>
            <RemixServer context={remixContext} url={request.url} abortDelay={streamTimeout} nonce={nonce} />
          </KeptMarkupProvider>
        </I18nextProvider>
      </NonceProvider>,
      {
        nonce,
        onAllReady() {
          pipe(sink as unknown as NodeJS.WritableStream);
        },
        onShellError(error: unknown) {
          clearTimeout(timeout);
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          // The message only (no stack, no props that may hold patient data); never sent to the browser.
          console.error(error instanceof Error ? error.message : "render error");
        },
      },
    );
    const timeout = setTimeout(abort, streamTimeout + 1000);
  });
}

/** Loader and action errors: log the message only, never patient data or stacks in production logs. */
export function handleError(error: unknown, { request }: { request: Request }) {
  if (request.signal.aborted) return;
  const message = error instanceof Error ? error.message : String(error);
  const stack = process.env.NODE_ENV === "production" ? undefined : error instanceof Error ? error.stack : undefined;
  console.error(JSON.stringify({ level: "error", msg: "request failed", path: new URL(request.url).pathname, error: message, stack }));
}
