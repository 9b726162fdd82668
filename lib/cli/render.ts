/**
 * What the person at the terminal reads: the user instructions (RFC 8628 §3.3, §3.3.1), the
 * result summary and error lines. Pure functions returning strings; every piece of text that came
 * from the server goes through {@link stripControls} first.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.3
 * @module
 */

import type { DeviceAuthorizationResponse, TokenEndpointResponse } from '../index.ts';
import { encodeQr, renderQrText } from '../qr.ts';
import { EXIT, type FailureExit } from './exit-codes.ts';
import { stripControls } from './sanitize.ts';

/**
 * How to draw the QR code: not at all, plain blocks, or black on white with ANSI colours.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.3
 */
export type QrStyle = 'none' | 'plain' | 'color';

// Black on bright white, whatever the terminal's theme, so the code keeps its light quiet zone.
const QR_COLOR_ON = '\x1b[30;107m';
const QR_COLOR_OFF = '\x1b[0m';

/** A QR code of `uri`, quiet zone 2 (enough on a terminal), or a note when it cannot be encoded. */
function qrBlock(uri: string, style: 'plain' | 'color'): string {
  let text: string;
  try {
    // Level L keeps the symbol small; a screen is a clean surface, unlike a printed label.
    // rfc8628:3.3.1:qr-optional dg:cli:qr-tty: "clients MAY present this URI in a non-textual manner using any method that results in the browser being opened with the URI, such as with QR (Quick Response) codes"; quiet zone 2.
    text = renderQrText(encodeQr(uri, { ecl: 'L' }), { quietZone: 2 });
  } catch {
    return '(the link is too long for a QR code)\n';
  }
  const lines = text.split('\n');
  // dg:cli:qr-tty: black on bright white with ANSI colours on a terminal, unless NO_COLOR.
  return (style === 'color' ? lines.map((line) => QR_COLOR_ON + line + QR_COLOR_OFF) : lines).join('\n') + '\n';
}

// Hosts that only this machine can reach: a phone cannot open a page served on them.
const LOOPBACK_HOST = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/;

/**
 * Where the user can open the page: "another device" is the usual case (RFC 8628 §3.3), but a
 * page on a loopback address (a local test server, the demo) opens only on this machine.
 */
function browserPlace(verificationUri: string): string {
  // dg:cli:browser-place: a page on a loopback address opens only on this machine, so the text says so
  return LOOPBACK_HOST.test(new URL(verificationUri).hostname) ? 'this machine' : 'another device';
}

/**
 * The user instructions: the verification URI and the user code, always as text (RFC 8628
 * §3.3.1: the user_code MUST still be displayed), then `verification_uri_complete` as a link and,
 * if asked for, as a QR code. The device_code is never shown (§3.3).
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.3.1
 */
export function instructions(device: DeviceAuthorizationResponse, qr: QrStyle): string {
  // rfc8628:3.3:device-code-not-displayed rfc8628:3.3.1:display-uri-text rfc8628:3.3.1:display-user-code dg:security:control-chars dg:cli:strip-controls: "Clients MUST still display the "user_code""; and the plain verification_uri, stripped of control characters, never the device_code.
  let text =
    `To sign in, use a browser on ${browserPlace(device.verification_uri)} to visit:\n` +
    `  ${stripControls(device.verification_uri)}\n` +
    'and enter the code:\n' +
    `  ${stripControls(device.user_code)}\n`;
  const complete = device.verification_uri_complete;
  if (complete !== undefined) {
    // dg:cli:strip-controls dg:security:control-chars: the QR code encodes the sanitized link, the one that is shown.
    const link = stripControls(complete);
    text += `\nOr open this link, which fills in the code for you:\n  ${link}\n`;
    // rfc8628:3.3.1:qr-optional dg:cli:qr-tty: "clients MAY present this URI in a non-textual manner"; only when the server sent verification_uri_complete.
    if (qr !== 'none') text += '\n' + qrBlock(link, qr);
  }
  return text + '\n';
}

/**
 * The first few characters of a secret: enough to tell tokens apart, never enough to use one.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.3
 */
export function shorten(secret: string): string {
  // dg:cli:human-summary: at most 6 characters and at most a quarter of the token, then its length.
  const shown = Math.min(6, Math.floor(secret.length / 4));
  return `${stripControls(secret.slice(0, shown))}… (${secret.length} characters, redacted)`;
}

/**
 * The human summary of a token response (RFC 6749 §5.1): token values shortened, the other
 * members as the server sent them, sanitized.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export function tokenSummary(token: TokenEndpointResponse): string {
  // dg:cli:human-summary dg:cli:strip-controls: a short summary with tokens cut, and server text stripped of controls.
  const lines = [`token_type:    ${stripControls(token.token_type)}`, `access_token:  ${shorten(token.access_token)}`];
  if (token.expires_in !== undefined) lines.push(`expires_in:    ${token.expires_in} s`);
  if (token.scope !== undefined) lines.push(`scope:         ${stripControls(token.scope)}`);
  if (token.refresh_token !== undefined) lines.push(`refresh_token: ${shorten(token.refresh_token)}`);
  if (token.id_token !== undefined) lines.push(`id_token:      ${shorten(token.id_token)}`);
  return lines.join('\n') + '\n';
}

const HEADLINES: Record<FailureExit, string> = {
  [EXIT.unexpected]: 'Unexpected error',
  [EXIT.usage]: 'Configuration error',
  [EXIT.denied]: 'Access denied',
  [EXIT.expired]: 'The code expired before it was approved',
  [EXIT.unavailable]: 'The authorization server could not be reached or did not answer correctly',
  [EXIT.refused]: 'The authorization server refused the request',
};

const HINTS: Record<string, string> = {
  OAUTH_HTTP_REQUEST_FORBIDDEN: ' (pass --insecure to allow plain http)',
  OAUTH_INSECURE_VERIFICATION_URI: ' (pass --insecure to allow plain http)',
};

/**
 * One line for a failure: a headline chosen by exit code, then the OAuth `error` and
 * `error_description` (RFC 6749 §5.2) or the library's message and code, sanitized.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export function errorLine(error: unknown, exitCode: FailureExit): string {
  const fields = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  let detail: string;
  // dg:cli:error-message: the server's error and error_description, or the library's message and code with a hint.
  if (typeof fields['error'] === 'string') {
    const description = fields['error_description'];
    detail = fields['error'] + (typeof description === 'string' ? `: ${description}` : '');
  } else {
    const code = typeof fields['code'] === 'string' ? fields['code'] : '';
    detail = (error instanceof Error ? error.message : String(error)) + (code === '' ? '' : ` [${code}]${HINTS[code] ?? ''}`);
  }
  // dg:cli:error-message dg:cli:strip-controls dg:security:control-chars: one line, a headline for its exit code, control characters stripped.
  return `error: ${HEADLINES[exitCode]}: ${stripControls(detail)}\n`;
}
