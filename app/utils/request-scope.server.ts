import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Facts worked out once per HTTP request and shared by the loaders it runs. A page is one request but several
 * loaders (the root's and the page's), and each starts by asking who is logged in; without this each asked the
 * database again. Remix hands each loader its own copy of the Request, so the request object cannot be the key.
 *
 * Only reads are shared, and only within GET and HEAD requests (see `requestScope`): a POST may change the session
 * (whom the person acts for, hidden entries) in its action, and the loaders after it must see the change.
 */

type Scope = Map<string | symbol, unknown>;

// One store for the process: the server (app/server) and the Remix build each load this module.
const slot = globalThis as typeof globalThis & {
  __portalRequestScope?: AsyncLocalStorage<Scope>;
};
const storage = (slot.__portalRequestScope ??= new AsyncLocalStorage<Scope>());

// Registered (Symbol.for): the server (app/server) and the Remix build each load this module.
const DOCUMENT = Symbol.for("portal.requestScope.document");

/**
 * Runs `next` (the rest of a GET or HEAD request's handling) with a fresh scope. `document`: the request asks for a
 * page's HTML, not for the data of a client-side navigation (Remix's `….data` requests).
 */
export function withRequestScope<T>(next: () => T, options: { document?: boolean } = {}): T {
  const scope: Scope = new Map();
  if (options.document) scope.set(DOCUMENT, true);
  return storage.run(scope, next);
}

/** Whether this request renders a page's HTML document (false outside a request scope: unknown, so not assumed). */
export function isDocumentRequest(): boolean {
  return storage.getStore()?.get(DOCUMENT) === true;
}

/** A value kept for the rest of this request under `key` (nothing outside a request scope): see server markup. */
export function requestValue<T>(key: symbol, make: () => T): T | undefined {
  const scope = storage.getStore();
  if (!scope) return undefined;
  if (!scope.has(key)) scope.set(key, make());
  return scope.get(key) as T;
}

/**
 * `compute()` once per request and key; outside a request scope (tests, POST requests, command-line tools) it simply
 * runs every time. A rejected promise is forgotten, so a failure is not served to a later loader as a cached answer.
 */
export function oncePerRequest<T>(key: string, compute: () => Promise<T>): Promise<T> {
  const scope = storage.getStore();
  if (!scope) return compute();
  const found = scope.get(key) as Promise<T> | undefined;
  if (found) return found;
  const promise = compute();
  scope.set(key, promise);
  promise.catch(() => scope.delete(key));
  return promise;
}

/**
 * Records what a statement already read as the answer to `key` in this request (when there is a request scope), so a
 * later `oncePerRequest(key, …)` does not ask the database again.
 */
export function rememberForRequest<T>(key: string, value: T): void {
  storage.getStore()?.set(key, Promise.resolve(value));
}
