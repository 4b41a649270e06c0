/**
 * `tinyusp/board-io` for the Moddable simulator, which has no embedded:io/digital or
 * analog: the in-memory board of platform/sim-board.ts (pure code, no Node
 * imports) behind the same createBoardIo signature as board-io.ts.
 */
import type { BoardIo } from '../types.ts';
import { createSimBoard } from '../sim-board.ts';
import type { BoardIoOptions } from './board-io.ts';

export function createBoardIo(options: BoardIoOptions): BoardIo {
  return createSimBoard(options.description);
}
