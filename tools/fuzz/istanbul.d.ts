/** The part of istanbul-lib-instrument (no published types) the fuzz engine uses. */
declare module 'istanbul-lib-instrument' {
  export function createInstrumenter(options: {
    coverageVariable?: string; esModules?: boolean; compact?: boolean; produceSourceMap?: boolean;
  }): { instrumentSync(code: string, filename: string): string };
}
