/**
 * Makes server-provided text safe to print on a terminal. A hostile or broken server could send a
 * user_code or error_description with escape sequences that recolour, move the cursor, rewrite
 * the title or retype earlier lines, or bidi overrides that show a different code from the one
 * the page expects (RFC 8628 §5.4, remote phishing).
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-5.4
 * @module
 */

// Whole escape sequences first, so that no parameter bytes ("[31m") survive as visible text:
// CSI (ESC [ or C1 0x9B) … final byte; OSC, DCS, SOS, PM, APC … BEL or ST; any other ESC + one byte.
const ESCAPE_SEQUENCES = /(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?|\x1b[^\x1b]?/g;

// C0, DEL, C1; the bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) and the
// invisible bidi marks (U+061C, U+200E, U+200F); the line and paragraph separators (U+2028, U+2029).
const CONTROLS = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

// dg:cli:strip-invisible: characters that print as nothing, so that "WDJB\u200b-MJHT" looks like
// the real code: soft hyphen, zero-width space, joiners and word joiner, invisible operators, the
// BOM, the Mongolian vowel separator, the combining grapheme joiner, and the tag characters
// (U+E0000–U+E007F, one surrogate pair each).
const INVISIBLE = /[\u00ad\u034f\u180e\u200b-\u200d\u2060-\u2064\ufeff]|\udb40[\udc00-\udc7f]/g;

/**
 * Removes terminal escape sequences, control characters and invisible characters from text that
 * came from the server, before the CLI prints it (dg:security:control-chars).
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-5.4
 */
export function stripControls(text: string): string {
  // dg:cli:strip-controls dg:security:control-chars: whole escape sequences first, then C0, DEL, C1, the bidi controls and the line separators.
  return text.replace(ESCAPE_SEQUENCES, '').replace(CONTROLS, '').replace(INVISIBLE, '');
}

/**
 * {@link stripControls}, then at most `max` characters (code points), with "…" where text was cut:
 * a hostile server cannot flood the terminal (dg:cli:display-caps).
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-5.4
 */
export function displayText(text: string, max: number): string {
  const clean = stripControls(text);
  if (clean.length <= max) return clean;
  // dg:cli:display-caps: cut on a code point boundary.
  return Array.from(clean).slice(0, max).join('') + '…';
}

// Characters JSON.stringify leaves raw that a terminal or a log viewer may act on: DEL, C1
// controls, bidi marks, embeddings, overrides and isolates, line separators, invisible characters.
const JSON_UNSAFE = /[\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]|\udb40[\udc00-\udc7f]/g;

/**
 * One JSON text and a newline, with every character in {@link JSON_UNSAFE} written as a `\uHHHH`
 * escape, which parses back to the same value (dg:cli:json-escape).
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-5.4
 */
export function jsonLine(value: unknown): string {
  // dg:cli:json-escape: they only occur inside JSON strings, where an escape means the same character.
  const escaped = JSON.stringify(value).replace(JSON_UNSAFE, (match) => {
    let out = '';
    for (let i = 0; i < match.length; i++) out += '\\u' + match.charCodeAt(i).toString(16).padStart(4, '0');
    return out;
  });
  return escaped + '\n';
}
