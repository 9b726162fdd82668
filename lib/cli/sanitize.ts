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

/**
 * Removes terminal escape sequences and control characters from text that came from the server,
 * before the CLI prints it (dg:security:control-chars).
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-5.4
 */
export function stripControls(text: string): string {
  // dg:cli:strip-controls dg:security:control-chars: whole escape sequences first, then C0, DEL, C1, the bidi controls and the line separators.
  return text.replace(ESCAPE_SEQUENCES, '').replace(CONTROLS, '');
}
