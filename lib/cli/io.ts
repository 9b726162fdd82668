/**
 * What the CLI touches outside itself: its streams, environment, clock, sleep and fetch. Kept
 * apart from main.ts so that flow.ts and countdown.ts need not import the entry point.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.3.1
 * @module
 */

import type { CustomFetch } from '../index.ts';

/**
 * A text sink such as `process.stderr`; `isTTY` decides the QR code and the live countdown.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628
 */
export interface CliStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

/**
 * Everything {@link main} touches outside itself, injected so that tests run it in-process.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628
 */
export interface CliIO {
  stdout: CliStream;
  stderr: CliStream;
  env: Readonly<Record<string, string | undefined>>;
  /** Aborting it (Ctrl-C) ends the flow with exit code 130. */
  signal?: AbortSignal;
  /** Clock, ms since the epoch (default `Date.now`). */
  now?: () => number;
  /** Waits `ms`, rejecting when `signal` aborts (default: a cleared setTimeout). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Replaces the global fetch for every request. */
  fetch?: CustomFetch;
  /** The poll interval floor in seconds (the library's `minInterval`, default 1): only tests lower it. */
  minInterval?: number | undefined;
}
