// Helpers for the CLI tests: fake output streams, a real loopback authorization server, and a
// scripted user who reads the code from the CLI's own output, as a person would.
import { createAuthorizationServer } from '../server/authorization-server.js';
import { listen } from '../server/listen.js';
import type { AuthorizationServer, AuthorizationServerOptions } from '../server/types.js';
import { main, type CliIO } from '../../lib/cli/main.js';
import type { CustomFetch } from '../../lib/index.js';

/** The device_code the CLI tests' server issues: it must never show in the CLI's output. */
export const DEVICE_CODE = 'dc-secret-device-code-0123456789';

/** The global fetch in CustomFetch's shape (it only ever gets a plain init object). */
export const netFetch: CustomFetch = (url, options) => fetch(url, options as RequestInit);

/** Real-time tests assert lower bounds only, with this tolerance for timer and scheduling slack. */
export const TOLERANCE_MS = 100;

/** A fake stdout/stderr that records everything; `onWrite` sees the text so far after each write. */
export interface FakeStream {
  text: string;
  isTTY: boolean;
  write(chunk: string): boolean;
}

export function fakeStream(isTTY = false, onWrite?: (text: string) => void): FakeStream {
  const stream: FakeStream = {
    text: '',
    isTTY,
    write(chunk: string) {
      stream.text += chunk;
      onWrite?.(stream.text);
      return true;
    },
  };
  return stream;
}

export interface TestServer {
  server: AuthorizationServer;
  issuer: string;
  close(): Promise<void>;
}

/** The conformance server on 127.0.0.1, port 0. Close it in `t.after`. */
export async function startServer(options: AuthorizationServerOptions = {}): Promise<TestServer> {
  const server = createAuthorizationServer(options);
  const listening = await listen(server);
  return { server, issuer: listening.url.origin, close: listening.close };
}

/** The user_code exactly as the CLI printed it under "enter the code:", once it has. */
export function shownUserCode(text: string): string | undefined {
  return /and enter the code:\n {2}(.*)\n/.exec(text)?.[1];
}

/**
 * A stderr on which a scripted user approves or denies with the code the CLI printed: at once
 * (before the first poll) when `afterMs` is 0, otherwise `afterMs` later in real time.
 */
export function userStream(server: AuthorizationServer, decision: 'approve' | 'deny', afterMs = 0, isTTY = false): FakeStream {
  let acted = false;
  return fakeStream(isTTY, (text) => {
    const code = shownUserCode(text);
    if (acted || code === undefined) return;
    acted = true;
    const act = (): boolean => (decision === 'approve' ? server.approve(code) : server.deny(code));
    if (afterMs === 0) act();
    else setTimeout(act, afterMs);
  });
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Wall time of the run, ms. */
  elapsed: number;
}

/** Runs main() with fake streams; `io` overrides the defaults (stderr included). */
export async function run(argv: string[], io: Partial<CliIO> = {}): Promise<RunResult> {
  const stdout = (io.stdout as FakeStream | undefined) ?? fakeStream();
  const stderr = (io.stderr as FakeStream | undefined) ?? fakeStream();
  const started = performance.now();
  // Loopback servers here use intervals of 0.1 s: below the library's 1 s floor, so lowered for tests.
  const code = await main(argv, { env: {}, minInterval: 0.01, ...io, stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text, elapsed: performance.now() - started };
}

/** The usual arguments for the public demo client against a loopback server. */
export function publicArgs(issuer: string, ...extra: string[]): string[] {
  return ['--issuer', issuer, '--client-id', 'demo-public', '--insecure', ...extra];
}
