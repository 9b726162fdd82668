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
  ClientSecretJwt,
  ClientSecretPost,
  Configuration,
  PrivateKeyJwt,
  None,
  allowInsecureRequests,
  customFetch,
  discovery,
  getDPoPHandle,
  initiateDeviceAuthorization,
  pollDeviceAuthorizationGrant,
  randomDPoPKeyPair,
  type ClientAuth,
  type DiscoveryRequestOptions,
} from '../index.ts';
import { profiles } from '../profiles/profiles.ts';
import type { CliOptions } from './args.ts';
import { timerSleep } from '../http/timers.ts';
import { createCountdown, type Countdown } from './countdown.ts';
import { loadSigningKey } from './key-file.ts';
import { EXIT, exitCodeFor, type Stage } from './exit-codes.ts';
import type { CliIO } from './io.ts';
import { errorLine, failureFields, instructions, tokenSummary, type QrStyle } from './render.ts';
import { jsonLine } from './sanitize.ts';

async function clientAuth(options: CliOptions): Promise<ClientAuth> {
  // dg:cli:flags: --auth basic, post or none picks the ClientAuth.
  if (options.auth === 'basic') return ClientSecretBasic(options.clientSecret);
  // rfc7523:2.2:assertion-type: the JWT methods, a new assertion per request
  // dg:cli:jwt-auth: client_secret_jwt MACs the assertions with the client secret; private_key_jwt signs them with the --key file's key
  if (options.auth === 'client_secret_jwt') return ClientSecretJwt(options.clientSecret);
  if (options.auth === 'private_key_jwt') return PrivateKeyJwt(await loadSigningKey(options.keyFile as string));
  return options.auth === 'post' ? ClientSecretPost(options.clientSecret) : None();
}

async function discover(options: CliOptions, io: CliIO, signal: AbortSignal): Promise<Configuration> {
  const profile = options.profile === undefined ? {} : profiles[options.profile];
  const execute = [...(options.insecure ? [allowInsecureRequests] : []), ...(profile.execute ?? [])];
  if (profile.metadata !== undefined) {
    // dg:profiles:cli: the profile knows the endpoints: no discovery.
    const config = new Configuration(profile.metadata(options.issuer), options.clientId, options.clientSecret, await clientAuth(options));
    if (options.timeout !== undefined) config.timeout = options.timeout;
    config[customFetch] = io.fetch;
    for (const fn of execute) fn(config);
    return config;
  }
  // dg:cli:insecure dg:cli:flags: --insecure becomes execute: [allowInsecureRequests]; --algorithm picks the well-known suffix.
  const settings: DiscoveryRequestOptions = { algorithm: options.algorithm, execute, signal };
  // dg:cli:timeout: --timeout becomes discovery's timeout, which the Configuration keeps for every later request.
  if (options.timeout !== undefined) settings.timeout = options.timeout;
  if (io.fetch !== undefined) settings[customFetch] = io.fetch;
  return discovery(options.issuer, options.clientId, options.clientSecret, await clientAuth(options), settings);
}

/** RFC 8628 §3.3.1: a QR code is optional; by default only where a person is watching. */
function qrStyle(options: CliOptions, io: CliIO): QrStyle {
  const tty = io.stderr.isTTY === true;
  // dg:cli:qr-tty: a QR code by default on a terminal, always with --qr, never with --no-qr; colours unless NO_COLOR.
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
    // dg:cli:param: --param NAME=VALUE adds a parameter; the library refuses the names it sets itself.
    for (const [name, value] of options.parameters) parameters[name] = value;
    // --dpop: a fresh, non-extractable ES256 key for this sign-in; the device code is bound to it (dpop_jkt).
    // dg:dpop:cli: a fresh, non-extractable ES256 key for this sign-in only: dpop_jkt, a proof on every poll, a DPoP-bound token
    const DPoP = options.dpop === true ? getDPoPHandle(config, await randomDPoPKeyPair()) : undefined;
    const device = await initiateDeviceAuthorization(config, parameters, { signal, now, ...(DPoP && { DPoP }) });
    // dg:cli:json-stdout: instructions, QR code and countdown go to stderr, so that stdout carries only the result.
    io.stderr.write(instructions(device, qrStyle(options, io)));
    countdown = createCountdown(io.stderr, now, io.sleep ?? timerSleep);
    // dg:profiles:cli: the providers that need a profile want scope and resource on the polls too.
    const token = await pollDeviceAuthorizationGrant(config, device, options.profile === undefined ? undefined : parameters, {
      signal,
      now,
      sleep: countdown.sleep,
      onPoll: countdown.update,
      ...(DPoP && { DPoP }),
      ...(io.minInterval === undefined ? {} : { minInterval: io.minInterval }),
    });
    countdown.finish();
    io.stderr.write('Approved: signed in.\n');
    // dg:cli:json-stdout dg:cli:json-escape: with --json, stdout is exactly one JSON object; JSON.stringify leaves out the non-enumerable helpers, and jsonLine escapes C0, C1, bidi and invisible characters.
    io.stdout.write(options.json ? jsonLine(token) : tokenSummary(token));
    // dg:cli:exit-codes: signed in is exit code 0.
    return EXIT.ok;
  } catch (error) {
    countdown?.finish();
    // dg:cli:sigint-130 dg:cli:exit-codes: an abort (Ctrl-C) ends the flow with exit code 130; every other outcome has its own exit code.
    const code = signal.aborted ? EXIT.interrupted : exitCodeFor(error, stage);
    // dg:cli:json-failure: with --json, a failure is one JSON object on stdout too, for scripts.
    if (options.json) io.stdout.write(jsonLine({ ...(signal.aborted ? { error: 'interrupted' } : failureFields(error)), exit_code: code }));
    io.stderr.write(code === EXIT.interrupted ? 'Interrupted.\n' : errorLine(error, code));
    return code;
  }
}
