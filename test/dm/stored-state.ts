/**
 * The data model's stored state (src/dm/persistence.ts, Format 2: a `{"v":2}` header, then
 * one JSON line per instance `[path, name, value, …]` or table counter `[path, next]`) as a
 * test edits it: parsed into instances and counters, and written back in the same format.
 */
export interface StoredState {
  /** Instances in stored order: [path, [name, value, name, value…]]. */
  readonly o: [string, string[]][];
  /** Table counters: [table path, next instance number]. */
  readonly n: [string, number][];
}

export function parseStoredState(text: string): StoredState {
  const lines = text.split('\n').filter((l) => l !== '');
  if (lines[0] !== '{"v":2}') throw new Error(`not a Format 2 stored state: ${lines[0]}`);
  const o: [string, string[]][] = [];
  const n: [string, number][] = [];
  for (const line of lines.slice(1)) {
    const v = JSON.parse(line) as unknown[];
    if (typeof v[1] === 'number') n.push([v[0] as string, v[1]]);
    else o.push([v[0] as string, v.slice(1) as string[]]);
  }
  return { o, n };
}

export function formatStoredState(s: StoredState): string {
  return '{"v":2}\n' + s.o.map(([path, values]) => JSON.stringify([path, ...values]) + '\n').join('')
    + s.n.map(([path, next]) => JSON.stringify([path, next]) + '\n').join('');
}
