/**
 * Storage for the development identity provider: in memory, and without sessions. A test e-ID keeps no single
 * sign-on session, so every login is a fresh choice of person (as with BankID), and a browser can log in as
 * someone else without being asked to log out of the provider first.
 */

interface Stored {
  payload: Record<string, unknown>;
  expiresAt: number;
}

const MAX_ENTRIES = 5000;

export class DevProviderAdapter {
  private static readonly store = new Map<string, Stored>();

  constructor(private readonly model: string) {}

  private key(id: string): string {
    return `${this.model}:${id}`;
  }

  private get(key: string): Record<string, unknown> | undefined {
    const found = DevProviderAdapter.store.get(key);
    if (!found) return undefined;
    if (found.expiresAt <= Date.now()) {
      DevProviderAdapter.store.delete(key);
      return undefined;
    }
    return found.payload;
  }

  async upsert(id: string, payload: Record<string, unknown>, expiresIn?: number): Promise<void> {
    if (this.model === "Session") return;
    const store = DevProviderAdapter.store;
    if (store.size >= MAX_ENTRIES) {
      const now = Date.now();
      for (const [k, v] of store) if (v.expiresAt <= now) store.delete(k);
      if (store.size >= MAX_ENTRIES) store.delete(store.keys().next().value as string);
    }
    store.set(this.key(id), { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : Number.POSITIVE_INFINITY });
  }

  async find(id: string): Promise<Record<string, unknown> | undefined> {
    if (this.model === "Session") return undefined;
    return this.get(this.key(id));
  }

  async findByUid(_uid: string): Promise<undefined> {
    return undefined;
  }

  async findByUserCode(_userCode: string): Promise<undefined> {
    return undefined;
  }

  async consume(id: string): Promise<void> {
    const found = this.get(this.key(id));
    if (found) found.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id: string): Promise<void> {
    DevProviderAdapter.store.delete(this.key(id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    for (const [k, v] of DevProviderAdapter.store) if (v.payload.grantId === grantId) DevProviderAdapter.store.delete(k);
  }
}
