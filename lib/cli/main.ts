#!/usr/bin/env node
/**
 * `device-grant`: sign in from a terminal with the OAuth 2.0 Device Authorization Grant
 * (RFC 8628). {@link main} is the whole command, testable in-process; the bottom of this file
 * wires it to the real process when it is run as the package's bin.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628
 * @module
 */

import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParsedArgs } from './args.ts';
import { EXIT } from './exit-codes.ts';
import { signIn } from './flow.ts';
import { USAGE } from './usage.ts';
import type { CliIO } from './io.ts';

export { EXIT } from './exit-codes.ts';
export type { CliIO, CliStream } from './io.ts';

/** The package version, read from the package.json next to `dist/`. */
function version(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

/**
 * Runs the command line `argv` (without the node and script paths) and resolves to its exit
 * code: 0 signed in, 1 unexpected, 2 usage or configuration, 3 access_denied, 4 expired,
 * 5 network or server failure, 6 other OAuth error, 130 interrupted. It never exits the process
 * and touches nothing but `io`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.3
 */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  let parsed: ParsedArgs;
  try {
    parsed = parseArgs(argv, io.env);
  } catch (error) {
    // parseArgs throws only UsageError.
    // dg:cli:bad-flags: one line on stderr and exit code 2, before any request.
    io.stderr.write(`device-grant: ${(error as Error).message}\nRun 'device-grant --help' for usage.\n`);
    return EXIT.usage;
  }
  if (parsed.kind === 'help') {
    // dg:cli:help: the usage text on stdout, exit 0, no request.
    io.stdout.write(USAGE);
    return EXIT.ok;
  }
  if (parsed.kind === 'version') {
    // dg:cli:version: the package version, exit 0.
    io.stdout.write(`device-grant ${version()}\n`);
    return EXIT.ok;
  }
  // dg:cli:in-process dg:cli:sigint-130 dg:demo:main-job dg:demo:manual: main resolves to the exit code and touches only what io gives it; io.signal is the abort that SIGINT fires.
  return signIn(parsed.options, io, io.signal ?? new AbortController().signal);
}

/** The bin: real argv, stdio and environment; Ctrl-C aborts the flow (exit code 130). */
async function runProcess(): Promise<void> {
  const controller = new AbortController();
  const interrupt = (): void => controller.abort(new Error('interrupted'));
  // dg:cli:sigint-130 dg:cli:bin: the bin wires SIGINT to the abort signal.
  process.once('SIGINT', interrupt);
  const io: CliIO = { stdout: process.stdout, stderr: process.stderr, env: process.env, signal: controller.signal };
  // dg:cli:bin: the bin sets process.exitCode and never calls process.exit.
  process.exitCode = await main(process.argv.slice(2), io);
  process.off('SIGINT', interrupt);
}

// Run only when this file is the process's entry (the bin, possibly through a symlink), never
// when imported by tests. Node resolves the entry's symlinks, so compare real paths.
function isEntry(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false; // argv[1] is no file (node -e, a script on stdin): this module was imported
  }
}
// dg:cli:bin: runs only as the process entry (also through a symlink), never when imported.
if (isEntry()) void runProcess();
