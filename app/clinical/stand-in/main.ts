import { startClinicalStandIn, ClinicalStandInInProductionError } from "./stand-in.server";

/**
 * The clinical stand-in as a process of its own: `tsx app/clinical/stand-in/main.ts`. Reads DEV_CLINICAL_PORT
 * (default 3002), STAND_IN_CLIENT_ID and STAND_IN_CLIENT_JWK (the portal's public JWK, to register), STAND_IN_TODAY
 * (ISO; the demo data's `today`), STAND_IN_PATIENTS (default 50) and STAND_IN_DEMO=false for no demo data. Prints one
 * JSON line `{"ready":true,...}` when listening; stops on SIGTERM and SIGINT.
 */

async function main(): Promise<void> {
  const env = process.env;
  const port = Number(env.DEV_CLINICAL_PORT ?? 3002);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error("DEV_CLINICAL_PORT is not a port number");
  const today = env.STAND_IN_TODAY ? new Date(env.STAND_IN_TODAY) : undefined;
  if (today && Number.isNaN(today.getTime())) throw new Error("STAND_IN_TODAY is not an ISO date");
  const patients = Number(env.STAND_IN_PATIENTS ?? 50);
  if (!Number.isInteger(patients) || patients < 0) throw new Error("STAND_IN_PATIENTS is not a number of patients");
  const client = env.STAND_IN_CLIENT_ID && env.STAND_IN_CLIENT_JWK ? { id: env.STAND_IN_CLIENT_ID, jwk: JSON.parse(env.STAND_IN_CLIENT_JWK) as JsonWebKey } : undefined;
  if (Boolean(env.STAND_IN_CLIENT_ID) !== Boolean(env.STAND_IN_CLIENT_JWK)) throw new Error("STAND_IN_CLIENT_ID and STAND_IN_CLIENT_JWK go together");

  const standIn = await startClinicalStandIn({
    port,
    nodeEnv: env.NODE_ENV ?? "development",
    demo: env.STAND_IN_DEMO === "false" ? false : { today, patients },
    bulkRetryAfterSeconds: env.STAND_IN_BULK_RETRY_AFTER ? Number(env.STAND_IN_BULK_RETRY_AFTER) : undefined,
  });
  if (client) standIn.registerClient(client.id, client.jwk);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    standIn.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  process.stdout.write(
    `${JSON.stringify({ ready: true, origin: standIn.origin, fhirBase: standIn.fhirBase, tokenUrl: standIn.tokenUrl, groupId: standIn.inspect.groupId, client: client?.id ?? null, startupMs: standIn.startupMs })}\n`,
  );
}

main().catch((error: unknown) => {
  const message = error instanceof ClinicalStandInInProductionError ? error.message : `the clinical stand-in did not start: ${error instanceof Error ? error.message : String(error)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
