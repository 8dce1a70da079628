import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * For the development services the portal starts beside itself (the identity provider, the clinical stand-in):
 * listen on a port of one address and say which port it got (0 picks one), or fail as the listen fails.
 */
export function listenOn(server: Server, port: number, host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Stops listening and ends every connection, idle or not: a development service has no request worth waiting for. */
export function closeNow(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
