// The RFC texts in spec/rfc/ as the gate reads them: one line of prose with the pagination taken
// out, so that a quote copied from a sentence that runs over a page break still matches, and the
// RFC 2119 keywords a quote contains. Pure functions only.

/** A page footer ("Denniss, et al.   Standards Track   [Page 5]"). */
const FOOTER = /^.*\[Page \d+\]\s*$/;
/** A running page header ("RFC 8628   OAuth 2.0 Device Grant   August 2019"). */
const HEADER = /^RFC \d+ {2,}.* {2,}[A-Z][a-z]+ \d{4}\s*$/;

/**
 * Removes form feeds, page headers and footers, joins a word hyphenated at a line end
 * ("x-www-form-" / "urlencoded"), and collapses every run of white space to one space.
 */
export function normalizeRfcText(text: string): string {
  const lines = text
    .replaceAll('\f', '\n')
    .split(/\r?\n/)
    .filter((line) => !FOOTER.test(line) && !HEADER.test(line));
  return collapse(lines.join('\n'));
}

/** White space as normalizeRfcText leaves it, for a quote typed on one line. */
export function collapse(text: string): string {
  return text.replace(/-\n\s*/g, '-').replace(/\s+/g, ' ').trim();
}

/** Whether a quote (as written in a Quote cell) occurs in a normalized RFC text. */
export function quoteOccurs(normalizedRfc: string, quote: string): boolean {
  const wanted = collapse(quote);
  return wanted !== '' && normalizedRfc.includes(wanted);
}

// Longest first, so that "MUST NOT" is one keyword, never MUST followed by a stray NOT.
const KEYWORD_IN_TEXT = /\b(MUST NOT|MUST|SHALL NOT|SHALL|SHOULD NOT|SHOULD|NOT RECOMMENDED|RECOMMENDED|REQUIRED|MAY|OPTIONAL)\b/g;

/** The RFC 2119 keywords (upper case, as RFC 2119 requires) a quote contains, in order, each once. */
export function keywordsIn(quote: string): string[] {
  const found: string[] = [];
  for (const match of collapse(quote).matchAll(KEYWORD_IN_TEXT)) {
    const keyword = match[1] ?? '';
    if (!found.includes(keyword)) found.push(keyword);
  }
  return found;
}
