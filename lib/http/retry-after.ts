/**
 * `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an IMF-fixdate. Anything else is ignored,
 * so a garbage header can never change the wait.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5 (reduce polling frequency)
 * @module
 */

const DELAY_SECONDS = /^\d+$/;
const IMF_FIXDATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/**
 * Seconds to wait, or undefined when the header is absent or malformed. Never negative.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3
 */
export function parseRetryAfter(value: string | null, receivedAt: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  // dg:polling:retry-after: delay-seconds, capped so that the wait stays a finite number.
  if (DELAY_SECONDS.test(trimmed)) return Math.min(Number(trimmed), Number.MAX_SAFE_INTEGER);
  if (!IMF_FIXDATE.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  // dg:polling:retry-after: an HTTP-date counts from when the response arrived, never negative.
  return Number.isNaN(date) ? undefined : Math.max(0, (date - receivedAt) / 1000);
}
