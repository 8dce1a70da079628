import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Facts worked out once per HTTP request and shared by the loaders it runs. A page is one request but several
 * loaders (the root's and the page's), and each starts by asking who is logged in; without this each asked the
 * database again. Remix hands each loader its own copy of the Request, so the request object cannot be the key.
 *
 * Only reads are shared, and only within GET and HEAD requests (see `requestScope`): a POST may change the session
 * (whom the person acts for, hidden entries) in its action, and the loaders after it must see the change.
 */

type Scope = Map<string, unknown>;

// One store for the process: the server (app/server) and the Remix build each load this module.
const slot = globalThis as typeof globalThis & {
  __portalRequestScope?: AsyncLocalStorage<Scope>;
};
const storage = (slot.__portalRequestScope ??= new AsyncLocalStorage<Scope>());

/** Runs `next` (the rest of a GET or HEAD request's handling) with a fresh scope. */
export function withRequestScope<T>(next: () => T): T {
  return storage.run(new Map(), next);
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
