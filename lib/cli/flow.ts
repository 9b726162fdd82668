/**
 * The sign-in flow behind the command line: discovery, the device authorization request
 * (RFC 8628 §3.1), the user instructions (§3.3), polling with a countdown (§3.4, §3.5) and the
 * result, with every failure turned into an exit code.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3
 * @module
 */

import {
  ClientSecretBasic,
  ClientSecretPost,
  None,
  allowInsecureRequests,
  customFetch,
  discovery,
  initiateDeviceAuthorization,
  pollDeviceAuthorizationGrant,
  type ClientAuth,
  type Configuration,
  type DiscoveryRequestOptions,
} from '../index.ts';
import type { CliOptions } from './args.ts';
import { timerSleep } from '../http/timers.ts';
import { createCountdown, type Countdown } from './countdown.ts';
import { EXIT, exitCodeFor, type Stage } from './exit-codes.ts';
import type { CliIO } from './io.ts';
import { errorLine, failureFields, instructions, tokenSummary, type QrStyle } from './render.ts';
import { jsonLine } from './sanitize.ts';

function clientAuth(options: CliOptions): ClientAuth {
  if (options.auth === 'basic') return ClientSecretBasic(options.clientSecret);
  return options.auth === 'post' ? ClientSecretPost(options.clientSecret) : None();
}

function discover(options: CliOptions, io: CliIO, signal: AbortSignal): Promise<Configuration> {
  const settings: DiscoveryRequestOptions = {
    algorithm: options.algorithm,
    execute: options.insecure ? [allowInsecureRequests] : [],
    signal,
  };
  if (options.timeout !== undefined) settings.timeout = options.timeout;
  if (io.fetch !== undefined) settings[customFetch] = io.fetch;
  return discovery(options.issuer, options.clientId, options.clientSecret, clientAuth(options), settings);
}

/** RFC 8628 §3.3.1: a QR code is optional; by default only where a person is watching. */
function qrStyle(options: CliOptions, io: CliIO): QrStyle {
  const tty = io.stderr.isTTY === true;
  if (!(options.qr ?? tty)) return 'none';
  return tty && !io.env['NO_COLOR'] ? 'color' : 'plain';
}

/**
 * Runs the device flow for parsed options and returns the exit code. Prompts go to stderr; only
 * the result goes to stdout.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.3
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 */
export async function signIn(options: CliOptions, io: CliIO, signal: AbortSignal): Promise<number> {
  const now = io.now ?? Date.now;
  let stage: Stage = 'discovery';
  let countdown: Countdown | undefined;
  try {
    const config = await discover(options, io, signal);
    stage = 'flow';
    const parameters: Record<string, string | string[]> = {};
    if (options.scope !== undefined) parameters['scope'] = options.scope;
    parameters['resource'] = options.resources;
    const device = await initiateDeviceAuthorization(config, parameters, { signal, now });
    io.stderr.write(instructions(device, qrStyle(options, io)));
    countdown = createCountdown(io.stderr, now, io.sleep ?? timerSleep);
    const token = await pollDeviceAuthorizationGrant(config, device, undefined, {
      signal,
      now,
      sleep: countdown.sleep,
      onPoll: countdown.update,
      ...(io.minInterval === undefined ? {} : { minInterval: io.minInterval }),
    });
    countdown.finish();
    io.stderr.write('Approved: signed in.\n');
    // JSON.stringify leaves out the non-enumerable helpers; jsonLine escapes C0, C1 and bidi characters.
    io.stdout.write(options.json ? jsonLine(token) : tokenSummary(token));
    return EXIT.ok;
  } catch (error) {
    countdown?.finish();
    const code = signal.aborted ? EXIT.interrupted : exitCodeFor(error, stage);
    // dg:cli:json-failure: with --json, a failure is one JSON object on stdout too, for scripts.
    if (options.json) io.stdout.write(jsonLine({ ...(signal.aborted ? { error: 'interrupted' } : failureFields(error)), exit_code: code }));
    io.stderr.write(code === EXIT.interrupted ? 'Interrupted.\n' : errorLine(error, code));
    return code;
  }
}
