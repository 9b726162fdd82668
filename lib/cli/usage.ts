/**
 * The `--help` text: every flag, the environment variable and every exit code.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.3
 * @module
 */

import { profiles } from '../profiles/profiles.ts';

/**
 * The environment variable that may hold the client secret (kept out of the process list).
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.3
 */
export const SECRET_ENV = 'DEVICE_GRANT_CLIENT_SECRET';

/**
 * The usage text printed by `--help`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.3
 */
// dg:cli:help dg:profiles:cli: documents every flag (--profile with every profile's name), the environment variable and every exit code.
// dg:ship:readme-usage: the README's usage block is this text, word for word.
// dg:ship:bin: what the installed device-grant bin prints for --help.
export const USAGE: string = `Usage: device-grant --issuer URL --client-id ID [options]

Signs in with the OAuth 2.0 Device Authorization Grant (RFC 8628): shows a code and a link
(and a QR code) to open on another device, waits while you approve there, then prints the token.

Options:
  --issuer URL          Authorization server issuer; its metadata is discovered (required,
                        unless the --profile knows it)
  --client-id ID        Client identifier (required)
  --client-secret S     Client secret; prefer the ${SECRET_ENV} environment variable
  --auth METHOD         Client authentication: none, basic, post, client_secret_jwt or
                        private_key_jwt (default: post when a secret is given, otherwise none)
  --key FILE            Private key for private_key_jwt: PEM (PKCS#8) or a private JWK file
  --scope S             Space-separated scopes to request
  --resource URI        Resource indicator (RFC 8707); repeat for several
  --param NAME=VALUE    Extra parameter of the device authorization request (e.g.
                        audience=... for Auth0, start_url=... for aws-sso); once per NAME
  --algorithm NAME      Discovery: oidc (/.well-known/openid-configuration appended, default)
                        or oauth2 (RFC 8414 /.well-known/oauth-authorization-server inserted)
  --json                Print only the token response as JSON on stdout; prompts go to stderr
  --insecure            Allow plain http (tests and closed networks only)
  --timeout SECONDS     HTTP request timeout (default 30)
  --profile NAME        Translate a provider's deviations from RFC 8628 (README, "Provider
                        profiles"); fills in the issuer and endpoints where the profile knows
                        them, and sends --scope, --resource and --param on the polls too.
                        NAME is one of:
                        ${Object.keys(profiles).join(', ')}
  --dpop                Bind the token to a new DPoP key (RFC 9449); the key is never saved
  --qr, --no-qr         Force or suppress the QR code (default: shown when stderr is a terminal)
  --help, -h            Show this help
  --version             Show the version

Environment:
  ${SECRET_ENV}   Client secret, used when --client-secret is not given
  NO_COLOR              Draw the QR code without colours

Output:
  Instructions, the QR code and the countdown go to stderr; the result goes to stdout
  (a summary with tokens shortened, or with --json the full token response).

Exit codes:
  0    Signed in
  1    Unexpected error
  2    Usage or configuration error (bad flags or URL, discovery or metadata error,
       http without --insecure)
  3    Access denied by the user (access_denied)
  4    The code expired before it was approved (expired_token, or the local deadline)
  5    Network or server failure (unreachable, timeout, 5xx, non-conforming response)
  6    Other OAuth error from the server (e.g. invalid_client, invalid_scope)
  130  Interrupted (Ctrl-C)
`;
