/** @type {import('@remix-run/dev').AppConfig} */
export default {
  serverModuleFormat: "esm",
  serverPlatform: "node",
  ignoredRouteFiles: ["**/.*", "**/*.test.{ts,tsx}", "**/*.server.test.{ts,tsx}"],
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_singleFetch: true,
    // Off: the whole route manifest (some 30 routes) is one file the browser caches for a year, rather than each
    // page carrying its own part of it (1.4–2.7 kB a page), the server matching the page's parent paths again to
    // build it (up to a fifth of the no-data page's server time), and a /__manifest request for the links of every
    // page viewed. Remix's guide says as much for apps of this size. React Router 7 keeps the choice:
    // routeDiscovery: { mode: "initial" }.
    v3_lazyRouteDiscovery: false,
  },
};
