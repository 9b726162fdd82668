/**
 * Command line parsing: `--flag value` and `--flag=value`, strict, with no dependency. Every
 * mistake is a {@link UsageError} (exit code 2) raised before any request is sent.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1
 * @module
 */

import { profiles, type ProfileName } from '../profiles/profiles.ts';
import { SECRET_ENV } from './usage.ts';

/**
 * Client authentication methods the CLI offers (RFC 6749 §2.3.1, or none for public clients).
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1
 */
export type AuthMethod = 'none' | 'basic' | 'post' | 'private_key_jwt' | 'client_secret_jwt';

/**
 * What a valid command line asks for.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1
 */
export interface CliOptions {
  issuer: URL;
  clientId: string;
  /** From `--client-secret` or the environment; absent with `--auth none`. */
  clientSecret?: string;
  auth: AuthMethod;
  /** `--key FILE`: the private key of `--auth private_key_jwt` (PEM or JWK). */
  keyFile?: string;
  scope?: string;
  resources: string[];
  /** `--param NAME=VALUE`, in order: extra parameters of the device authorization request. */
  parameters: Array<[string, string]>;
  json: boolean;
  insecure: boolean;
  /** Seconds. */
  timeout?: number;
  /** `undefined`: show a QR code only when stderr is a terminal. */
  qr?: boolean;
  algorithm: 'oidc' | 'oauth2';
  /** A provider profile (`--profile`), applied to every request. */
  profile?: ProfileName;
  /** `--dpop`: sender-constrain the token with a fresh DPoP key (RFC 9449). */
  dpop?: boolean;
}

/**
 * The outcome of parsing: run the flow, or print help or the version.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1
 */
export type ParsedArgs = { kind: 'run'; options: CliOptions } | { kind: 'help' } | { kind: 'version' };

/**
 * A command line mistake: exit code 2.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1
 */
export class UsageError extends Error {
  override name = 'UsageError';
}

const VALUED = new Set(['--issuer', '--client-id', '--client-secret', '--auth', '--key', '--scope', '--resource', '--timeout', '--algorithm', '--profile', '--param']);
const SWITCHES = new Set(['--json', '--insecure', '--qr', '--no-qr', '--help', '-h', '--version', '--dpop']);
// Same rule as the library for numbers from the wire: no "", "1e3" or "5abc".
const SECONDS = /^\d+(\.\d+)?$/;

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined || (allowed as readonly string[]).includes(value)) return value as T | undefined;
  throw new UsageError(`${flag} must be one of: ${allowed.join(', ')}`);
}

/** Splits argv into switches (in order) and flag values; rejects unknown flags and positionals. */
function tokenize(argv: readonly string[]): { switches: string[]; values: Map<string, string[]> } {
  const switches: string[] = [];
  const values = new Map<string, string[]>();
  // dg:cli:flags dg:cli:bad-flags: each flag as --flag value or --flag=value; an unknown flag, a positional argument or a missing value is a usage error.
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (SWITCHES.has(name) && eq < 0) {
      switches.push(name);
    } else if (VALUED.has(name)) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new UsageError(`${name} needs a value`);
      values.set(name, [...(values.get(name) ?? []), value]);
    } else {
      // dg:cli:bad-flags dg:security:secret-redaction: only a --flag's name is echoed, never its value, nor any other argument (a pasted secret may even start with "-").
      throw new UsageError(SWITCHES.has(name) ? `${name} takes no value` : name.startsWith('--') ? `unknown argument: ${name}` : `unexpected argument #${i + 1}`);
    }
  }
  return { switches, values };
}

/** `--param NAME=VALUE` values as pairs; scope and resource have flags of their own. */
function extraParameters(given: readonly string[]): Array<[string, string]> {
  const seen = new Set<string>();
  return given.map((value) => {
    const eq = value.indexOf('=');
    // dg:cli:param: NAME=VALUE with a non-empty NAME; a value may itself contain "=".
    if (eq < 1) throw new UsageError('--param must be NAME=VALUE');
    const name = value.slice(0, eq);
    if (name === 'scope' || name === 'resource') throw new UsageError(`--param ${name}: use --${name}`);
    // dg:cli:param: a parameter is sent at most once (RFC 8628 §3.1, "MUST NOT be included more than once").
    if (seen.has(name)) throw new UsageError(`--param ${name} may be given only once`);
    seen.add(name);
    return [name, value.slice(eq + 1)];
  });
}

function issuerUrl(value: string | undefined): URL {
  if (value === undefined) throw new UsageError('--issuer is required');
  const url = URL.canParse(value) ? new URL(value) : undefined;
  // dg:cli:bad-flags: the issuer is an absolute http(s) URL.
  if (url?.protocol !== 'https:' && url?.protocol !== 'http:') throw new UsageError('--issuer must be an absolute http(s) URL');
  return url;
}

/**
 * Parses the command line. `env` supplies the client secret when `--client-secret` is absent.
 *
 * @throws {UsageError} for any mistake.
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1
 */
export function parseArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ParsedArgs {
  // dg:cli:flags: every flag is read before anything is sent.
  const { switches, values } = tokenize(argv);
  if (switches.includes('--help') || switches.includes('-h')) return { kind: 'help' };
  if (switches.includes('--version')) return { kind: 'version' };
  const single = (flag: string): string | undefined => {
    const given = values.get(flag) ?? [];
    // dg:cli:bad-flags: a repeated value is a usage error.
    if (given.length > 1) throw new UsageError(`${flag} may be given only once`);
    return given[0];
  };
  // dg:profiles:cli: a profile that knows its provider's issuer makes --issuer optional.
  const profile = oneOf('--profile', single('--profile'), Object.keys(profiles) as ProfileName[]);
  const issuer = issuerUrl(single('--issuer') ?? (profile === undefined ? undefined : profiles[profile].issuer));
  const clientId = single('--client-id');
  if (clientId === undefined || clientId === '') throw new UsageError('--client-id is required');
  const timeout = single('--timeout');
  // dg:cli:bad-flags: the timeout is a positive number of seconds.
  if (timeout !== undefined && (!SECONDS.test(timeout) || Number(timeout) <= 0)) {
    throw new UsageError('--timeout must be a positive number of seconds');
  }
  // dg:cli:client-secret-env: the secret can come from DEVICE_GRANT_CLIENT_SECRET, which keeps it out of the process list; --client-secret wins.
  const secret = single('--client-secret') ?? (env[SECRET_ENV] || undefined);
  const auth = oneOf('--auth', single('--auth'), ['none', 'basic', 'post', 'private_key_jwt', 'client_secret_jwt'] as const) ?? (secret === undefined ? 'none' : 'post');
  // A key signs private_key_jwt assertions; every other method but none uses the secret.
  const keyFile = single('--key');
  // dg:cli:jwt-auth: --key goes only with --auth private_key_jwt, which needs it
  if ((auth === 'private_key_jwt') !== (keyFile !== undefined)) throw new UsageError('--key FILE goes with --auth private_key_jwt, and only with it');
  // dg:cli:bad-flags: --auth basic, post or client_secret_jwt without a secret is a usage error.
  if (auth !== 'none' && auth !== 'private_key_jwt' && secret === undefined) {
    throw new UsageError(`--auth ${auth} needs a client secret (--client-secret or ${SECRET_ENV})`);
  }
  const options: CliOptions = {
    issuer,
    clientId,
    auth,
    resources: values.get('--resource') ?? [],
    parameters: extraParameters(values.get('--param') ?? []),
    json: switches.includes('--json'),
    insecure: switches.includes('--insecure'),
    algorithm: oneOf('--algorithm', single('--algorithm'), ['oidc', 'oauth2'] as const) ?? 'oidc',
  };
  // dg:cli:flags dg:cli:client-secret-env: --auth none (and private_key_jwt) never sends a secret, even one left in the environment.
  if (auth !== 'none' && auth !== 'private_key_jwt') options.clientSecret = secret as string;
  if (keyFile !== undefined) options.keyFile = keyFile;
  if (profile !== undefined) options.profile = profile;
  const scope = single('--scope');
  if (scope !== undefined) options.scope = scope;
  if (timeout !== undefined) options.timeout = Number(timeout);
  // dg:cli:flags: the last of --qr / --no-qr wins, so an alias can be overridden.
  const qr = switches.filter((s) => s === '--qr' || s === '--no-qr').pop();
  if (qr !== undefined) options.qr = qr === '--qr';
  // dg:dpop:cli: --dpop is a switch, taking no value
  if (switches.includes('--dpop')) options.dpop = true;
  return { kind: 'run', options };
}
