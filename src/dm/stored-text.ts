/**
 * Text values of a KeyValueStore (platform/types.ts) read and written in pieces: the
 * store's own readText/writeText when it has them (the Moddable store keeps each piece
 * in its own NVS entry), else the whole value through get/set (Node, xsnap, tests),
 * still handed over in pieces so readers never depend on how a value was cut.
 */
import { TextRead, type KeyValueStore, type TextSource } from '../platform/types.ts';
import { readUtf8, utf8Bytes } from '../encoding/utf8.ts';
import { isHighSurrogate } from '../encoding/utf8-pieces.ts';

/** Characters per piece when a store without readText hands over a whole value. */
export const FALLBACK_PIECE_CHARS = 1024;

/** Hands the text value of `key` to `visit` in pieces (see KeyValueStore.readText). */
export function readStoredText(store: KeyValueStore, key: string, visit: (piece: string) => void): TextRead {
  if (store.readText !== undefined) return store.readText(key, visit);
  const bytes = store.get(key);
  if (bytes === undefined) return TextRead.Absent;
  const text = readUtf8(bytes, 0, bytes.length);
  if (text === undefined) return TextRead.Malformed;
  let i = 0;
  while (i < text.length) {
    let end = Math.min(i + FALLBACK_PIECE_CHARS, text.length);
    if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end++; // never split a pair
    visit(text.slice(i, end));
    i = end;
  }
  return TextRead.Read;
}

/** Replaces the value of `key` atomically with the text `source.next()` yields until null. */
export function writeStoredText(store: KeyValueStore, key: string, source: TextSource): void {
  if (store.writeText !== undefined) { store.writeText(key, source); return; }
  let text = '';
  for (let s = source.next(); s !== null; s = source.next()) text += s;
  store.set(key, utf8Bytes(text));
}

