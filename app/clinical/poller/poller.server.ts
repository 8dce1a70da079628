import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Bundle, Resource, ResourceType } from "@medplum/fhirtypes";
import { sql } from "drizzle-orm";
import { applyMessageListAnswer } from "~/feed/messages.server";
import { applyFreeSlotAnswer } from "~/feed/slots.server";
import { ingestBatch } from "~/feed/ingest.server";
import { logger } from "~/utils/logger";
import { rowsOf, type Database } from "../../../db/connection";
import type { PollError } from "../../../db/schema";
import type { ClinicalClient, SearchParams } from "../client.server";
import { ClinicalError } from "../http.server";
import { LAST_UPDATED_TYPES, MESSAGE_LIST_DEFAULT_DAYS, MESSAGES_PATHS, messageListSchema, type PatientMessage } from "../millennium";
import { keepCareTeamFiles } from "./message-files.server";
import { messageToCommunication } from "./messages";
import { activePeople, bookableServiceTypes, guardianRelatedPersonIds } from "./people.server";
import { acquireLease, advanceCursor, pollError, readStream, recordError, recordSuccess, releaseLease, startCursors } from "./state.server";

/**
 * The poller: brings what changed in the clinical system into the read model, through the feed's one way in
 * (ingestBatch, source "poller"), since Millennium has no subscriptions. One process polls at a time (a lease row,
 * state.server.ts); a process that takes over continues from the durable cursors. A pass:
 *
 * 1. `_lastUpdated` streams, one per type of LAST_UPDATED_TYPES: `_lastUpdated=ge{cursor − overlap}&_lastUpdated=lt{end}`,
 *    every `next` page ingested as it comes. The pass's end is fixed when it begins (now, to the second), and a long
 *    way behind (a first start, a poller that was down) is walked in slices of `sliceMs`. The cursor moves to a
 *    slice's end once every page of the slice is committed: nothing promises that pages come in `_lastUpdated` order,
 *    so a cursor moved to the newest time seen after one page could skip an older change on a later page if the
 *    process died in between. A restart redoes at most one slice. The overlap takes in changes that became visible
 *    after a pass although their time lies before its end. What comes twice (the same id on two pages, the overlap)
 *    is dropped here by type, id and version within a pass, and is a no-op in the feed otherwise (equal version).
 * 2. `people`: for each person who uses the portal (people.server.ts), Appointment search by patient and a date
 *    window, and the Messages API's inboxItems and sentItems, turned into Communications (messages.ts); a message of
 *    the window that neither list holds any more was deleted by the patient, and is hidden (app/feed/messages.server.ts).
 *    The care team's attachments are fetched once per message and kept with it (message-files.server.ts).
 * 3. `slots`: for each service type citizens may book online, the free slots of the next weeks; a free slot of the
 *    read model that the answer lacks is marked taken (app/feed/slots.server.ts).
 *
 * A stream's failure is recorded on its row (last_error) and the pass goes on with the next stream.
 */

export type PollClient = Pick<ClinicalClient, "searchPages" | "getJson">;

export interface PollerOptions {
  db: Database;
  client: PollClient;
  /** How often a pass starts (CLINICAL_POLL_INTERVAL_MS). */
  intervalMs: number;
  /** CLINICAL_POLL_OVERLAP_MS. */
  overlapMs: number;
  /** CLINICAL_POLL_LEASE_MS. */
  leaseMs: number;
  /** Where a stream without a cursor begins, back from now (CLINICAL_POLL_LOOKBACK_HOURS). */
  lookbackMs: number;
  /** CLINICAL_POLL_ACTIVE_HOURS. */
  activeHours: number;
  /** The `_lastUpdated` types (default LAST_UPDATED_TYPES; [] for none; readableTypes() gives those the scopes allow). */
  types?: readonly string[];
  /** Poll people and slots (default true). */
  people?: boolean;
  slots?: boolean;
  /** The longest `_lastUpdated` window asked at once (default 6 h). */
  sliceMs?: number;
  /** `_count` asked of a `_lastUpdated` search (default 200). */
  pageSize?: number;
  /** Appointments from this many days back to this many ahead (default 30 and 365). */
  appointmentDays?: { back: number; ahead: number };
  /** Messages of the last this many days (default the Messages API's own 90). */
  messageDays?: number;
  /** Free slots over this many weeks ahead (default 8). */
  slotWeeks?: number;
  /** At most this many people per pass (default 5,000), most recently active first. */
  maxPeople?: number;
  /** People asked about at once (default 4). */
  personConcurrency?: number;
  /** How long stop() waits for a pass under way (default 10 s). */
  stopWaitMs?: number;
  id?: string;
  now?: () => number;
}

export interface PassReport {
  streams: { name: string; ok: boolean; received: number; stored: number }[];
}

export interface Poller {
  readonly id: string;
  /** One pass, if this process holds (or can take) the lease; null when another does. */
  runOnce(): Promise<PassReport | null>;
  /** Runs a pass every intervalMs until stop(). */
  start(): void;
  /** Stops after the request under way, and gives up the lease. */
  stop(): Promise<void>;
}

class Stopped extends Error {
  constructor(readonly why: "stopping" | "lease-lost") {
    super(why);
  }
}

const DAY = 86_400_000;
const wholeSecond = (ms: number) => Math.floor(ms / 1000) * 1000;
const instant = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, "Z");

function resourcesOf(page: Bundle, type: string): Resource[] {
  return (page.entry ?? []).flatMap((e) => (e.resource?.resourceType === type && (e.search?.mode ?? "match") === "match" ? [e.resource] : []));
}

/** The `_lastUpdated` types the client may read: Millennium answers 403 for a type its scopes do not name. */
export function readableTypes(scopes: readonly string[], types: readonly string[] = LAST_UPDATED_TYPES): string[] {
  return types.filter((type) => scopes.includes(`system/${type}.read`) || scopes.includes(`system/${type}.rs`));
}

export function createPoller(options: PollerOptions): Poller {
  const { db, client, overlapMs, leaseMs } = options;
  const id = options.id ?? `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
  const now = options.now ?? Date.now;
  const types = options.types ?? LAST_UPDATED_TYPES;
  const sliceMs = options.sliceMs ?? 6 * 3_600_000;
  const pageSize = options.pageSize ?? 200;
  const appointmentDays = options.appointmentDays ?? { back: 30, ahead: 365 };
  const messageDays = options.messageDays ?? MESSAGE_LIST_DEFAULT_DAYS;
  const slotWeeks = options.slotWeeks ?? 8;
  const stopWaitMs = options.stopWaitMs ?? 10_000;
  let stopping = false;
  let renewedAt = -Infinity;

  /** Renews the lease when a quarter of it has passed; aborts the pass when it was lost or stop() was called. */
  async function keepLease(): Promise<void> {
    if (stopping) throw new Stopped("stopping");
    if (Date.now() - renewedAt < leaseMs / 4) return;
    if (!(await acquireLease(db, id, leaseMs))) {
      renewedAt = -Infinity;
      throw new Stopped("lease-lost");
    }
    renewedAt = Date.now();
  }

  /** The database's clock: what it stamps rows with (received_at), whatever this host's clock says. */
  const databaseNow = async () => {
    const [row] = rowsOf<{ now: Date | string }>(await db.execute(sql`select clock_timestamp() as now`));
    return new Date(row!.now);
  };

  const ingest = async (resources: Resource[]) => {
    if (resources.length === 0) return { received: 0, stored: 0 };
    const { report } = await ingestBatch(db, { kind: "resources", resources }, { source: "poller" });
    return { received: report.received, stored: report.stored };
  };

  async function pollLastUpdated(type: string) {
    const name = `lastUpdated:${type}`;
    const end = wholeSecond(now());
    let cursor = (await readStream(db, name))?.cursor?.getTime() ?? wholeSecond(end - options.lookbackMs);
    const seen = new Set<string>();
    const totals = { received: 0, stored: 0 };
    while (cursor < end) {
      const sliceEnd = Math.min(cursor + sliceMs, end);
      const params: SearchParams = [
        ["_lastUpdated", `ge${instant(cursor - overlapMs)}`],
        ["_lastUpdated", `lt${instant(sliceEnd)}`],
        ["_count", String(pageSize)],
      ];
      await keepLease();
      for await (const page of client.searchPages(type as ResourceType, params)) {
        await keepLease();
        const fresh = resourcesOf(page, type).filter((r) => {
          const key = `${r.id}|${r.meta?.versionId ?? ""}|${r.meta?.lastUpdated ?? ""}`;
          if (seen.has(key)) return false;
          seen.add(key);
          return true;
        });
        const counts = await ingest(fresh);
        totals.received += counts.received;
        totals.stored += counts.stored;
      }
      await advanceCursor(db, name, new Date(sliceEnd));
      cursor = sliceEnd;
    }
    return totals;
  }

  /** A list's messages in [from, to]; a window holding more than a list gives is asked again in halves. */
  async function messagesOf(path: string, patientId: string, from: number, to: number, depth = 0): Promise<{ items: PatientMessage[]; complete: boolean }> {
    await keepLease();
    const list = messageListSchema.parse(
      await client.getJson(path, {
        patientId,
        createDateTimeGreaterThanOrEqualTo: instant(from),
        createDateTimeLessThanOrEqualTo: instant(to),
      }),
    );
    if (!list.moreItemsAvailable) return { items: list.items, complete: true };
    if (depth >= 8 || to - from < 2000) return { items: list.items, complete: false };
    const middle = wholeSecond(from + (to - from) / 2);
    const [early, late] = [await messagesOf(path, patientId, from, middle, depth + 1), await messagesOf(path, patientId, middle + 1000, to, depth + 1)];
    return { items: [...early.items, ...late.items], complete: early.complete && late.complete };
  }

  async function pollPerson(personId: string, at: number) {
    const totals = { received: 0, stored: 0 };
    const add = (c: { received: number; stored: number }) => {
      totals.received += c.received;
      totals.stored += c.stored;
    };
    const day = Math.floor(at / DAY) * DAY;
    const appointmentParams: SearchParams = [
      ["patient", personId],
      ["date", `ge${instant(day - appointmentDays.back * DAY)}`],
      ["date", `lt${instant(day + (appointmentDays.ahead + 1) * DAY)}`],
    ];
    await keepLease();
    for await (const page of client.searchPages("Appointment", appointmentParams)) {
      await keepLease();
      add(await ingest(resourcesOf(page, "Appointment")));
    }
    const from = wholeSecond(at - messageDays * DAY);
    const to = wholeSecond(at);
    const askedAt = await databaseNow();
    const messages = new Map<string, PatientMessage>();
    let complete = true;
    for (const path of [MESSAGES_PATHS.sentItems, MESSAGES_PATHS.inboxItems]) {
      const list = await messagesOf(path, personId, from, to);
      complete &&= list.complete;
      for (const m of list.items) if (m.patientId === personId) messages.set(m.id, m);
    }
    if (messages.size > 0) {
      const guardians = await guardianRelatedPersonIds(db, personId);
      add(await ingest([...messages.values()].map((m) => messageToCommunication(m, { relatedPersonIds: guardians, polledAt: new Date(to).toISOString().replace(/\.\d{3}Z$/, "Z") }))));
      await keepLease();
      await keepCareTeamFiles(db, client, [...messages.values()]);
    }
    // What the lists no longer hold was deleted by the patient (DELETED items are not listed).
    if (complete) await applyMessageListAnswer(db, { personId, from: new Date(from), to: new Date(to), listedIds: [...messages.keys()], askedAt });
    return totals;
  }

  async function pollPeople() {
    const people = await activePeople(db, { withinHours: options.activeHours, limit: options.maxPeople ?? 5000 });
    const at = now();
    const totals = { received: 0, stored: 0 };
    const failures: unknown[] = [];
    let next = 0;
    const worker = async () => {
      while (next < people.length) {
        const personId = people[next++]!;
        try {
          const c = await pollPerson(personId, at);
          totals.received += c.received;
          totals.stored += c.stored;
        } catch (error) {
          if (error instanceof Stopped) throw error;
          failures.push(error);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, options.personConcurrency ?? 4) }, worker));
    if (failures.length > 0) {
      logger.warn({ failed: failures.length, people: people.length }, "clinical poller: some people could not be polled");
      // Nobody polled: the stream failed. Some: the pass counts, and says who could not be (a person the clinical
      // system does not know must not keep everyone else's polling looking broken).
      if (failures.length === people.length) throw failures[0];
    }
    await advanceCursor(db, "people", new Date(at));
    if (failures.length === 0) return totals;
    const first = pollError(failures[0]);
    return { ...totals, warning: { ...first, message: `${failures.length} of ${people.length} people could not be polled; the first: ${first.message}` } };
  }

  async function pollSlots() {
    const codes = await bookableServiceTypes(db);
    const from = wholeSecond(now());
    const to = from + slotWeeks * 7 * DAY;
    const totals = { received: 0, stored: 0 };
    for (const code of codes) {
      const searchedAt = await databaseNow();
      const freeIds: string[] = [];
      const params: SearchParams = [
        ["service-type", code],
        ["start", `ge${instant(from)}`],
        ["start", `lt${instant(to)}`],
      ];
      await keepLease();
      for await (const page of client.searchPages("Slot", params)) {
        await keepLease();
        const slots = resourcesOf(page, "Slot");
        for (const s of slots) if (s.id && (s as { status?: string }).status === "free") freeIds.push(s.id);
        const c = await ingest(slots);
        totals.received += c.received;
        totals.stored += c.stored;
      }
      await applyFreeSlotAnswer(db, { serviceType: code, from: new Date(from), to: new Date(to), freeIds, searchedAt });
    }
    await advanceCursor(db, "slots", new Date(from));
    return totals;
  }

  async function runStream(report: PassReport, name: string, run: () => Promise<{ received: number; stored: number; warning?: PollError }>) {
    try {
      const { warning, ...counts } = await run();
      await recordSuccess(db, name, new Date(now()));
      if (warning) await recordError(db, name, warning);
      report.streams.push({ name, ok: true, ...counts });
    } catch (error) {
      if (error instanceof Stopped) throw error;
      if (error instanceof ClinicalError && error.retryAfterMs) retryAfter = Math.max(retryAfter, error.retryAfterMs);
      logger.warn({ stream: name, err: error instanceof Error ? error.message : "error" }, "clinical poller: a stream failed");
      await recordError(db, name, error);
      report.streams.push({ name, ok: false, received: 0, stored: 0 });
    }
  }

  let running: Promise<PassReport | null> | undefined;

  /** The longest wait a 429 or 503 of the last pass asked for (longer than the client waits by itself). */
  let retryAfter = 0;

  async function pass(): Promise<PassReport | null> {
    renewedAt = -Infinity;
    retryAfter = 0;
    try {
      await keepLease();
    } catch (error) {
      if (error instanceof Stopped) return null;
      throw error;
    }
    const report: PassReport = { streams: [] };
    // A stream's first start is written before anything is asked, so that a process taking over after a death
    // continues from there rather than from its own now − lookback.
    await startCursors(
      db,
      types.map((type) => `lastUpdated:${type}`),
      new Date(wholeSecond(now() - options.lookbackMs)),
    );
    try {
      for (const type of types) await runStream(report, `lastUpdated:${type}`, () => pollLastUpdated(type));
      if (options.people !== false) await runStream(report, "people", pollPeople);
      if (options.slots !== false) await runStream(report, "slots", pollSlots);
    } catch (error) {
      if (!(error instanceof Stopped)) throw error;
      logger.info({ poller: id, why: error.why }, "clinical poller: pass cut short");
      return null;
    }
    return report;
  }

  function runOnce(): Promise<PassReport | null> {
    running ??= pass().finally(() => {
      running = undefined;
    });
    return running;
  }

  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  let loop: Promise<void> | undefined;

  return {
    id,
    runOnce,
    start() {
      if (loop) return;
      stopping = false;
      loop = (async () => {
        while (!stopping) {
          try {
            await runOnce();
          } catch (error) {
            logger.error({ poller: id, err: error instanceof Error ? error.message : "error" }, "clinical poller: pass failed");
          }
          if (stopping) break;
          await new Promise<void>((resolve) => {
            wake = resolve;
            timer = setTimeout(resolve, Math.max(options.intervalMs, Math.min(retryAfter, 3_600_000)));
          });
        }
      })();
    },
    async stop() {
      stopping = true;
      clearTimeout(timer);
      wake?.();
      const under = loop ?? running;
      if (under) {
        let limit: NodeJS.Timeout | undefined;
        await Promise.race([under.catch(() => {}), new Promise<void>((r) => (limit = setTimeout(r, stopWaitMs)))]);
        clearTimeout(limit);
      }
      loop = undefined;
      await releaseLease(db, id).catch(() => {});
    },
  };
}
