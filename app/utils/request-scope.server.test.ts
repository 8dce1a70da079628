import { describe, expect, it } from "vitest";
import { oncePerRequest, withRequestScope } from "./request-scope.server";

describe("oncePerRequest", () => {
  it("computes once per key within one request, and again in the next request", async () => {
    let calls = 0;
    const lookup = () => oncePerRequest("session", async () => ++calls);
    const first = await withRequestScope(async () => [
      await lookup(),
      await lookup(),
      await Promise.all([lookup(), lookup()]),
    ]);
    expect(first).toEqual([1, 1, [1, 1]]);
    expect(await withRequestScope(lookup)).toBe(2);
  });

  it("keeps requests apart when they run at the same time", async () => {
    let calls = 0;
    const lookup = () => oncePerRequest("person", async () => ++calls);
    const [a, b] = await Promise.all([
      withRequestScope(async () => [await lookup(), await lookup()]),
      withRequestScope(async () => [await lookup(), await lookup()]),
    ]);
    expect(new Set([...(a ?? []), ...(b ?? [])]).size).toBe(2);
    expect(a?.[0]).toBe(a?.[1]);
  });

  it("outside a request (tests, tools, POST requests) looks up every time", async () => {
    let calls = 0;
    await oncePerRequest("x", async () => ++calls);
    await oncePerRequest("x", async () => ++calls);
    expect(calls).toBe(2);
  });

  it("does not keep a failure for the next loader", async () => {
    let calls = 0;
    const result = await withRequestScope(async () => {
      await oncePerRequest("flaky", async () => {
        calls++;
        throw new Error("database away");
      }).catch(() => undefined);
      return oncePerRequest("flaky", async () => ++calls);
    });
    expect(result).toBe(2);
  });
});
