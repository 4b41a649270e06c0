/**
 * Preflight of `npm test`: before anything spawns a peer, name every tool the tests
 * drive that this machine lacks, with the one command that installs them, and stop.
 * Never a stack trace from a spawn (`spawn mosquitto ENOENT`).
 *
 * The Debian packages come from tools/preflight/debian-packages.txt, the single list
 * that .ci/run installs and the README's install line names (test/guard/docs.test.ts).
 * Each package maps to the commands the tests run from it; a package in the list
 * without an entry here is itself a preflight failure, so the two cannot drift.
 *
 *   tsx tools/preflight/index.ts        exit 0 (silent) or 1 with the report
 */
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { findXsnapWorker, XSNAP_BUILD_HELP } from '../xs/binary.ts';
import { ROOT } from '../build/targets.ts';

export const PACKAGES_FILE = join(ROOT, 'tools', 'preflight', 'debian-packages.txt');

/** The commands each Debian package gives the tests (what test files and tools/ spawn). */
export const COMMANDS_OF: Readonly<Record<string, readonly string[]>> = {
  make: ['make'],
  gcc: ['gcc'],
  'g++': ['g++'],
  'protobuf-compiler': ['protoc'],
  'libcoap3-bin': ['coap-client-notls', 'coap-client-openssl', 'coap-client-gnutls'],
  mosquitto: ['mosquitto'],
  'mosquitto-clients': ['mosquitto_pub', 'mosquitto_sub'],
  openssl: ['openssl'],
};

/** Daemons are installed in sbin, which an ordinary user's PATH may lack. */
const SBIN = ['/usr/sbin', '/usr/local/sbin', '/sbin'];

export function packageList(file = PACKAGES_FILE): string[] {
  return readFileSync(file, 'utf8').split('\n').map((l) => l.replace(/#.*/, '').trim()).filter((l) => l !== '');
}

export function onPath(command: string, path: string | undefined, sbin: readonly string[] = SBIN): boolean {
  const dirs = (path ?? '').split(delimiter).filter((d) => d !== '').concat(sbin);
  for (const d of dirs) {
    try { accessSync(join(d, command), constants.X_OK); return true; } catch { /* next */ }
  }
  return false;
}

export interface PreflightReport {
  /** Packages with at least one missing command, with the commands missing. */
  readonly missing: readonly { readonly pkg: string; readonly commands: readonly string[] }[];
  /** Other problems, each with its fix. */
  readonly problems: readonly string[];
}

export function preflight(
  env: NodeJS.ProcessEnv = process.env, packages: readonly string[] = packageList(), sbin: readonly string[] = SBIN,
): PreflightReport {
  const missing: { pkg: string; commands: string[] }[] = [];
  const problems: string[] = [];
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 20) problems.push(`Node.js ${process.versions.node} is too old: tinyusp needs Node.js 20 or later.`);
  for (const pkg of packages) {
    const commands = COMMANDS_OF[pkg];
    if (commands === undefined) { problems.push(`tools/preflight: package "${pkg}" has no commands listed in COMMANDS_OF.`); continue; }
    const absent = commands.filter((c) => !onPath(c, env.PATH, sbin));
    if (absent.length > 0) missing.push({ pkg, commands: absent });
  }
  if (findXsnapWorker() === undefined) problems.push(XSNAP_BUILD_HELP);
  return { missing, problems };
}

export function formatReport(r: PreflightReport): string {
  const lines: string[] = [];
  if (r.missing.length > 0) {
    lines.push('npm test needs tools this machine does not have:');
    for (const m of r.missing) lines.push(`  ${m.commands.join(', ')}  (Debian package ${m.pkg})`);
    lines.push('Install them with:', `  sudo apt-get install -y ${r.missing.map((m) => m.pkg).join(' ')}`);
  }
  for (const p of r.problems) lines.push(p);
  return lines.join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const r = preflight();
  if (r.missing.length > 0 || r.problems.length > 0) {
    console.error(formatReport(r));
    process.exit(1);
  }
}
