/**
 * How the agent launchers (`npm run start:xs`, `npm run start:espruino`) run as a
 * command: `main` resolves with an exit code (0 keeps the process serving), a thrown
 * error is one line and exit 1; SIGINT and SIGTERM call `stop` once (it stops the agent,
 * so the state is written, then exits 0).
 */
export function runEntry(main: (argv: readonly string[]) => Promise<number>, stop: (signal: string) => void): void {
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  main(process.argv.slice(2)).then((code) => { if (code !== 0) process.exit(code); }, (e: unknown) => {
    console.error(`tinyusp: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
