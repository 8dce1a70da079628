import type { Bundle, Resource } from "@medplum/fhirtypes";
import type { SearchParams } from "../client.server";
import type { PollClient } from "./poller.server";

/**
 * For the poller's tests: a clinical system held in memory, whose resources change over (simulated) time and become
 * visible to searches some seconds after their `lastUpdated` (a commit that lands late), answering `_lastUpdated`
 * searches the way Millennium may: in no particular order, in pages of uneven size, with an entry of one page
 * repeated on the next. It can hang a request forever, as a process that died mid-pass leaves it.
 */

export interface Change {
  resource: Resource & { id: string };
  /** When a search first sees it (ms). */
  visibleAt: number;
}

export class ChangingSource implements PollClient {
  now = 0;
  requests = 0;
  /** Requests (by number, from 0) at which the process "dies": the request never answers. */
  killAt = new Set<number>();
  onKill: () => void = () => {};
  private draw: () => number;

  constructor(
    readonly changes: Change[],
    numbers: readonly number[],
  ) {
    let i = 0;
    this.draw = () => (numbers.length ? numbers[i++ % numbers.length]! : 0);
  }

  /** The newest version of each resource of the type that a search sees now. */
  current(type: string): (Resource & { id: string })[] {
    const latest = new Map<string, Resource & { id: string }>();
    for (const c of this.changes) {
      if (c.resource.resourceType !== type || c.visibleAt > this.now) continue;
      const before = latest.get(c.resource.id);
      if (!before || Number(before.meta?.versionId) < Number(c.resource.meta?.versionId)) latest.set(c.resource.id, c.resource);
    }
    return [...latest.values()];
  }

  async *searchPages(type: string, params?: SearchParams): AsyncGenerator<Bundle> {
    const pairs = (params ?? []) as readonly (readonly [string, string])[];
    const bounds = pairs.filter(([k]) => k === "_lastUpdated").map(([, v]) => v);
    const ge = Date.parse(bounds.find((b) => b.startsWith("ge"))!.slice(2));
    const lt = Date.parse(bounds.find((b) => b.startsWith("lt"))!.slice(2));
    const matches = this.current(type).filter((r) => {
      const at = Date.parse(r.meta!.lastUpdated!);
      return at >= ge && at < lt;
    });
    // Any order.
    for (let i = matches.length - 1; i > 0; i--) {
      const j = this.draw() % (i + 1);
      [matches[i], matches[j]] = [matches[j]!, matches[i]!];
    }
    let start = 0;
    do {
      await this.request();
      const size = 1 + (this.draw() % 4);
      // Now and then the last entry of the page before comes again.
      const from = start > 0 && this.draw() % 3 === 0 ? start - 1 : start;
      const page = matches.slice(from, start + size);
      start += size;
      yield { resourceType: "Bundle", type: "searchset", entry: page.map((resource) => ({ resource, search: { mode: "match" } })) };
    } while (start < matches.length);
    // Asking for the page after the last (the generator's end) is a moment to die at too.
    await this.request();
  }

  getJson<T>(): Promise<T> {
    return Promise.resolve({ items: [], moreItemsAvailable: false } as T);
  }

  private async request(): Promise<void> {
    const n = this.requests++;
    if (this.killAt.has(n)) {
      this.onKill();
      await new Promise(() => {});
    }
  }
}
