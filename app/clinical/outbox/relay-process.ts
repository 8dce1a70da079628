/**
 * A portal process's relay on its own, for tests and benchmarks that need a second OS process on the same database:
 * `node --import tsx app/clinical/outbox/relay-process.ts` with RELAY_DATABASE_URL (PostgreSQL), RELAY_CLINICAL (the
 * clinical settings as JSON, the key as a private JWK or PEM) and RELAY_CONCURRENCY. It delivers the writes the
 * server registers, prints `{"ready":true,"relay":…}` once started, and stops cleanly on SIGTERM.
 */
import { openDatabase } from "../../../db/connection";
import { createClinicalClient } from "../client.server";
import { parseSigningKey, type ClinicalSettings } from "../settings.server";
import { appointmentKinds } from "../writes/appointments.server";
import { messageWriteKinds } from "../writes/messages.server";
import { createRelay } from "./relay.server";

const url = process.env.RELAY_DATABASE_URL;
if (!url) throw new Error("RELAY_DATABASE_URL is not set");
const given = JSON.parse(process.env.RELAY_CLINICAL ?? "{}") as Omit<ClinicalSettings, "signingKey"> & { signingKey: string };
const handle = await openDatabase({ databaseUrl: url, poolSize: 4 });
const relay = createRelay({
  db: handle.db,
  client: createClinicalClient({ ...given, signingKey: parseSigningKey(given.signingKey) }),
  kinds: { ...appointmentKinds, ...messageWriteKinds },
  concurrency: Number(process.env.RELAY_CONCURRENCY ?? 50),
  maxAttempts: 10,
  leaseMs: 60_000,
  settleMs: given.timeoutMs,
});
relay.start();
console.log(JSON.stringify({ ready: true, relay: relay.id }));
process.on("SIGTERM", () => {
  void relay
    .stop()
    .then(() => handle.close())
    .then(() => process.exit(0));
});
