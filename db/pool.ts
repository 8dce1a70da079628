/**
 * PostgreSQL connections each portal process keeps, unless DATABASE_POOL_SIZE says otherwise. Few: postgres.js
 * pipelines statements on a busy connection, so under load a backend finds its next statement already waiting instead
 * of being woken for each (measured on the record pages at saturation: 1.5–1.8 ms of database CPU a page with 3,
 * 2.3–2.9 ms with 10), and several portal processes share one server's connections. Three leave the feed's
 * transactions a connection to reserve beside the pages' reads.
 */
export const DEFAULT_POOL_SIZE = 3;
