/**
 * What the person at the terminal reads: the user instructions (RFC 8628 §3.3, §3.3.1), the
 * result summary and error lines. Pure functions returning strings; every piece of text that came
 * from the server goes through {@link stripControls} first.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.3
 * @module
 */

import { ClientError, type DeviceAuthorizationResponse, type TokenEndpointResponse } from '../index.ts';
import { encodeQr, renderQrText } from '../qr.ts';
import { EXIT, type FailureExit } from './exit-codes.ts';
import { displayText, stripControls } from './sanitize.ts';

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
  // dg:cli:display-caps: a code or link longer than these is cut (and a cut link is not offered).
  const code = displayText(device.user_code, MAX_USER_CODE);
  // dg:cli:empty-user-code: a code made only of invisible characters cannot be typed.
  if (code === '') throw new ClientError('the user_code is empty once invisible characters are removed', { code: 'OAUTH_INVALID_RESPONSE' });
  let text =
    `To sign in, use a browser on ${browserPlace(device.verification_uri)} to visit:\n` +
    `  ${displayText(device.verification_uri, MAX_URI)}\n` +
    'and enter the code:\n' +
    `  ${code}\n` +
    // rfc8628:5.4:remote-phishing-warning: "inform the user that they are authorizing a device ... and to confirm that the device is in their possession".
    'Enter it only if you started this sign-in yourself, on this device. Never enter a code that someone sent you.\n';
  const complete = device.verification_uri_complete;
  if (complete !== undefined) {
    // dg:cli:strip-controls dg:security:control-chars: the QR code encodes the sanitized link, the one that is shown.
    const link = stripControls(complete);
    // rfc8628:3.3.1:qr-optional dg:cli:qr-tty: "clients MAY present this URI in a non-textual manner"; only when the server sent verification_uri_complete.
    // Both are absolute http(s) URLs: the library checked them (dg:security:verification-uri-scheme).
    const origin = new URL(complete).origin;
    if (origin !== new URL(device.verification_uri).origin) {
      // rfc8628:5.4:complete-uri-same-origin: a link elsewhere than the verification_uri is withheld, loudly.
      text += `\nWARNING: the server also sent a sign-in link on another site (${displayText(origin, MAX_URI)}). It is not shown. Type the code at the address above.\n`;
    } else if (Array.from(link).length <= MAX_URI) {
      text += `\nOr open this link, which fills in the code for you:\n  ${link}\n`;
      // The QR carries the sanitized text too: what is scanned is what is shown.
      if (qr !== 'none') text += '\n' + qrBlock(link, qr);
    }
  }
  return text + '\n';
}

/** Display caps, in code points: user codes are a few characters (RFC 8628 §6.1), URLs rarely pass 200. */
const MAX_USER_CODE = 64;
const MAX_URI = 4096;
const MAX_ERROR = 128;
const MAX_DESCRIPTION = 512;



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
  const { error: code, error_description: description } = failureFields(error);
  const fields = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  let detail: string;
  // dg:cli:error-message: the server's error and error_description, or the library's message and code with a hint.
  // dg:cli:error-message dg:cli:strip-controls dg:security:control-chars: one line, a headline for its exit code, control characters stripped.
  if (typeof fields['error'] === 'string') detail = code + (description === undefined ? '' : `: ${description}`);
  else detail = (description as string) + (typeof fields['code'] === 'string' ? ` [${code}]${HINTS[code] ?? ''}` : '');
  // dg:cli:network-cause: why the network failed (ECONNREFUSED, ENOTFOUND, a TLS error), not only that it did.
  const cause = systemCode(error);
  return `error: ${HEADLINES[exitCode]}: ${detail}${cause === undefined ? '' : ` (cause: ${cause})`}\n`;
}

/**
 * The `error` and `error_description` of a failure, sanitized and capped: the server's OAuth
 * members (RFC 6749 §5.2) when it sent them, otherwise the library's code and message.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export function failureFields(error: unknown): { error: string; error_description?: string } {
  const fields = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  // A local expiry has no error_description: its message says what happened.
  const description = fields['error_description'] ?? (error instanceof ClientError ? error.message : undefined);
  if (typeof fields['error'] === 'string') {
    const result = { error: displayText(fields['error'], MAX_ERROR) };
    return typeof description === 'string' ? { ...result, error_description: displayText(description, MAX_DESCRIPTION) } : result;
  }
  const code = typeof fields['code'] === 'string' ? fields['code'] : 'unexpected';
  return { error: displayText(code, MAX_ERROR), error_description: displayText(error instanceof Error ? error.message : String(error), MAX_DESCRIPTION) };
}

/** The system error code (ECONNREFUSED, ENOTFOUND, ERR_SSL_…, UND_ERR_…) somewhere in the cause chain. */
function systemCode(error: unknown): string | undefined {
  let current = (error as { cause?: unknown } | null)?.cause;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
    const { code, cause, errors } = current as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof code === 'string' && /^(E[A-Z0-9_]+|UND_ERR_[A-Z0-9_]+)$/.test(code)) return code;
    current = cause ?? (Array.isArray(errors) ? errors[0] : undefined);
  }
  return undefined;
}
