/** A language's texts: each namespace's file, imported when asked for (in the browser, a chunk of its own). */
export type Texts<Namespace extends string = string> = Record<Namespace, () => Promise<{ default: TextTree }>>;

export interface TextTree {
  [key: string]: string | TextTree;
}

/** Each namespace's texts, as its file has them. */
export type Loaded<T extends Texts> = { [Namespace in keyof T]: Awaited<ReturnType<T[Namespace]>>["default"] };

/** Every namespace of a language's texts, loaded. */
export async function loadAll<T extends Texts>(texts: T): Promise<Loaded<T>> {
  const entries = await Promise.all(Object.entries(texts).map(async ([ns, load]) => [ns, (await load()).default] as const));
  return Object.fromEntries(entries) as Loaded<T>;
}
