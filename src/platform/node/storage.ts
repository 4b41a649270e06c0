/**
 * Key-value storage in a directory, one file per key. Each `set` writes a temporary
 * file, fsyncs it, renames it over the old one and fsyncs the directory, so a crash
 * at any point leaves the old or the new value (rename is atomic on POSIX).
 */
import {
  closeSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { KeyValueStore } from '../types.ts';

const KEY_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
const SUFFIX = '.kv';
const TEMP_SUFFIX = '.tmp';

export function createFileStore(dir: string): KeyValueStore {
  mkdirSync(dir, { recursive: true });
  // A temp file left by a crash is an unfinished write: the old value stands.
  for (const name of readdirSync(dir)) {
    if (name.endsWith(TEMP_SUFFIX)) rmSync(join(dir, name), { force: true });
  }
  const fileOf = (key: string): string => {
    if (!KEY_PATTERN.test(key)) throw new RangeError(`invalid storage key: ${key}`);
    return join(dir, key + SUFFIX);
  };
  const syncDir = (): void => {
    const fd = openSync(dir, 'r');
    try { fsyncSync(fd); } finally { closeSync(fd); }
  };
  return {
    get(key) {
      try {
        const b = readFileSync(fileOf(key));
        return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw e;
      }
    },
    set(key, value) {
      const target = fileOf(key);
      const temp = target + TEMP_SUFFIX;
      const fd = openSync(temp, 'w');
      try {
        let off = 0;
        while (off < value.length) off += writeSync(fd, value, off, value.length - off);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temp, target);
      syncDir();
    },
    delete(key) {
      rmSync(fileOf(key), { force: true });
      syncDir();
    },
    keys() {
      return readdirSync(dir).filter((n) => n.endsWith(SUFFIX)).map((n) => n.slice(0, -SUFFIX.length));
    },
  };
}
