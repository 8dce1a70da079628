// The fixed vocabularies (record sections, provider kinds), also for the browser's code.
export * from "./vocabulary";
// The read model: what the clinical system sends, written by the feed (app/feed) and only read by the pages.
export * from "./read-model/people";
export * from "./read-model/care";
export * from "./read-model/record";
export * from "./read-model/booking";
export * from "./read-model/messages";
export * from "./read-model/clinical-access-events";
export * from "./read-model/feed";
// What the portal itself owns and writes: sessions, the access log, rate limits, the keywords' judging, the clinical outbox.
export * from "./portal/sessions";
export * from "./portal/access-log";
export * from "./portal/rate-limits";
export * from "./portal/keyword-rules";
export * from "./portal/clinical-outbox";
export * from "./portal/clinical-poller";
export * from "./portal/bookings";
export * from "./portal/messages";
export * from "./portal/notifications";
