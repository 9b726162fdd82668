/**
 * Error classes and stable codes, shaped like openid-client v6 so that callers can switch by
 * changing one import. Secrets never reach a message: every message here is a fixed sentence,
 * and text that comes from the server is redacted (see `redact.ts`) before it gets here.
 *
 * @see spec/design.md ("Layers": the error classes and argument errors)
 * @see https://github.com/panva/openid-client/blob/main/docs/README.md (the error classes this module mirrors)
 * @module
 */

/**
 * Stable error codes. Same names as openid-client wherever the situation is the same.
 *
 * @see spec/design.md ("Where we decide differently": openid-client's codes, new OAUTH_* codes for new situations)
 */
export type ErrorCode =
  | 'OAUTH_TIMEOUT'
  | 'OAUTH_ABORT'
  | 'OAUTH_NETWORK_ERROR'
  | 'OAUTH_RESPONSE_TOO_LARGE'
  | 'OAUTH_RESPONSE_IS_NOT_CONFORM'
  | 'OAUTH_RESPONSE_IS_NOT_JSON'
  | 'OAUTH_PARSE_ERROR'
  | 'OAUTH_INVALID_RESPONSE'
  | 'OAUTH_HTTP_REQUEST_FORBIDDEN'
  | 'OAUTH_REQUEST_PROTOCOL_FORBIDDEN'
  | 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED'
  | 'OAUTH_MISSING_SERVER_METADATA'
  | 'OAUTH_INVALID_SERVER_METADATA'
  | 'OAUTH_UNSUPPORTED_OPERATION'
  | 'OAUTH_INSECURE_VERIFICATION_URI'
  | 'OAUTH_INVALID_VERIFICATION_URI'
  | 'OAUTH_UNSUPPORTED_TOKEN_TYPE'
  | 'OAUTH_JWT_CLAIM_COMPARISON_FAILED'
  | 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED'
  | 'OAUTH_INVALID_STATE'
  | 'OAUTH_INVALID_KEY'
  | 'OAUTH_UNSUPPORTED_ALGORITHM'
  | 'OAUTH_JWS_SIGNATURE_INVALID'
  | 'OAUTH_KEY_SELECTION_FAILED';

/**
 * The code of {@link ResponseBodyError}.
 *
 * @see https://github.com/panva/openid-client/blob/main/docs/classes/ResponseBodyError.md
 */
export const RESPONSE_BODY_ERROR = 'OAUTH_RESPONSE_BODY_ERROR';
/**
 * The code of {@link WWWAuthenticateChallengeError}.
 *
 * @see https://github.com/panva/openid-client/blob/main/docs/classes/WWWAuthenticateChallengeError.md
 */
export const WWW_AUTHENTICATE_CHALLENGE = 'OAUTH_WWW_AUTHENTICATE_CHALLENGE';

/**
 * Options of {@link ClientError}.
 *
 * @see spec/design.md ("The request path": every fault is a ClientError with a stable code)
 */
export interface ClientErrorOptions {
  code: ErrorCode;
  cause?: unknown;
}

/**
 * A failure detected by the client: a non-conforming response, a forbidden request, a
 * timeout, an abort, a network fault. `code` is stable; `cause` holds what caused it and is not
 * enumerable, so `JSON.stringify(error)` shows only the message-free members.
 *
 * @see https://github.com/panva/openid-client/blob/main/docs/classes/ClientError.md
 * @see spec/design.md ("The request path": every fault is a ClientError with a stable code)
 */
export class ClientError extends Error {
  /** A stable `OAUTH_*` code. */
  code: ErrorCode;
  /** The OAuth `error` value, set only for local expiry (`'expired_token'`). */
  declare error?: string;
  /** The Response of an unexpected status or a redirect; not enumerable and never the `cause`. */
  declare response?: Response;

  constructor(message: string, options: ClientErrorOptions) {
    // dg:security:secret-redaction: Error keeps `cause` non-enumerable, so JSON.stringify of the error never shows what caused it.
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ClientError';
    // dg:compat:error-codes dg:compat:error-classes: every failure carries a stable OAUTH_* code, named as openid-client names it.
    this.code = options.code;
  }
}

/**
 * An RFC 6749 §5.2 error response (or an RFC 8628 §3.5 one) from the authorization server.
 * `cause` is the parsed body (secrets redacted); `response` is the raw Response, not
 * enumerable.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5 (the device flow's error codes)
 * @see https://github.com/panva/openid-client/blob/main/docs/classes/ResponseBodyError.md
 */
export class ResponseBodyError extends Error {
  /** Always `'OAUTH_RESPONSE_BODY_ERROR'`. */
  code: typeof RESPONSE_BODY_ERROR;
  /** The server's `error` code. */
  error: string;
  /** The server's `error_description`, with secrets redacted. */
  declare error_description?: string;
  /** The server's `error_uri`. */
  declare error_uri?: string;
  /** The HTTP status. */
  status: number;
  declare cause: Record<string, unknown>;
  declare response: Response;

  constructor(body: OAuthErrorBody, response: Response) {
    // dg:security:secret-redaction rfc8628:5.2:device-code-secret rfc6749:10.3:access-token-confidential: "Access token credentials (as well as any confidential access token attributes) MUST be kept confidential in transit and storage"; a fixed message, and the cause is the redacted body.
    super('server responded with an error in the response body', { cause: body.raw });
    this.name = 'ResponseBodyError';
    // dg:compat:error-classes: ResponseBodyError's code is OAUTH_RESPONSE_BODY_ERROR, as in openid-client.
    this.code = RESPONSE_BODY_ERROR;
    // rfc6749:5.2:error-member rfc8628:3.2:error-response rfc6749:5.2:error-charset: "REQUIRED. A single ASCII [USASCII] error code"; kept as plain data, whatever its characters.
    this.error = body.error;
    // rfc6749:5.2:optional-description-uri: "error_description OPTIONAL."; an absent member stays undefined, with no placeholder.
    if (body.error_description !== undefined) this.error_description = body.error_description;
    if (body.error_uri !== undefined) this.error_uri = body.error_uri;
    this.status = response.status;
    withResponse(this, response);
  }
}

/**
 * One parsed `WWW-Authenticate` challenge (RFC 9110 §11.6.1).
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-11.6.1
 */
export interface WWWAuthenticateChallenge {
  /** The auth-scheme, lower-cased. */
  scheme: string;
  /** The auth-params; names lower-cased. */
  parameters: Record<string, string>;
}

/**
 * A 401 answer with a parseable `WWW-Authenticate` challenge, e.g. `invalid_client` with Basic
 * (RFC 6749 §5.2). `cause` is the parsed challenge list.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2 (invalid_client with a 401 and WWW-Authenticate)
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-11.6.1
 * @see https://github.com/panva/openid-client/blob/main/docs/classes/WWWAuthenticateChallengeError.md
 */
export class WWWAuthenticateChallengeError extends Error {
  /** Always `'OAUTH_WWW_AUTHENTICATE_CHALLENGE'`. */
  code: typeof WWW_AUTHENTICATE_CHALLENGE;
  /** The HTTP status (401). */
  status: number;
  /** The `error` of the body or of the first challenge, when there is one. */
  declare error?: string;
  /** The `error_description` of the body or challenge, secrets redacted. */
  declare error_description?: string;
  declare cause: WWWAuthenticateChallenge[];
  declare response: Response;

  constructor(challenges: WWWAuthenticateChallenge[], response: Response, body: OAuthErrorBody | undefined) {
    super('server responded with a challenge in the WWW-Authenticate HTTP header', { cause: challenges });
    this.name = 'WWWAuthenticateChallengeError';
    this.code = WWW_AUTHENTICATE_CHALLENGE;
    this.status = response.status;
    const first = challenges[0]?.parameters;
    // dg:compat:www-authenticate: error and error_description come from the body when it has them, else from the first challenge.
    const error = body?.error ?? first?.['error'];
    const description = body?.error_description ?? first?.['error_description'];
    if (error !== undefined) this.error = error;
    if (description !== undefined) this.error_description = description;
    // dg:compat:error-classes: as in openid-client, the Response is there but not enumerable.
    withResponse(this, response);
  }
}

/**
 * The members of an RFC 6749 §5.2 error body, already redacted.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export interface OAuthErrorBody {
  error: string;
  error_description?: string;
  error_uri?: string;
  raw: Record<string, unknown>;
}

/**
 * A `TypeError` for a bad argument, with Node's `ERR_INVALID_ARG_*` code, as openid-client does.
 *
 * @see https://nodejs.org/api/errors.html#err_invalid_arg_type
 * @see https://nodejs.org/api/errors.html#err_invalid_arg_value
 */
export function argumentError(message: string, code: 'ERR_INVALID_ARG_TYPE' | 'ERR_INVALID_ARG_VALUE'): TypeError {
  const error = new TypeError(message) as TypeError & { code: string };
  // dg:compat:arg-errors: Node's ERR_INVALID_ARG_TYPE or ERR_INVALID_ARG_VALUE on a TypeError, as openid-client throws them.
  error.code = code;
  return error;
}

/**
 * Throws `code` (`"options.<name>" must be <what>`; ERR_INVALID_ARG_TYPE by default) unless
 * `value` is undefined or passes `valid`.
 *
 * @see https://nodejs.org/api/errors.html#err_invalid_arg_type
 */
export function checkOption(
  value: unknown,
  name: string,
  valid: (value: unknown) => boolean,
  what: string,
  code: 'ERR_INVALID_ARG_TYPE' | 'ERR_INVALID_ARG_VALUE' = 'ERR_INVALID_ARG_TYPE',
): void {
  // dg:compat:arg-errors: a bad option is a TypeError with ERR_INVALID_ARG_TYPE (or _VALUE for a bad value of the right type), before any request.
  if (value !== undefined && !valid(value)) throw argumentError(`"options.${name}" must be ${what}`, code);
}

/** What the caller's own code threw, carried through the firewall to be handed back as it is. */
class CallerThrew {
  thrown: unknown;
  constructor(thrown: unknown) {
    this.thrown = thrown;
  }
}

/**
 * Runs the caller's own code (a hook, a DPoP handle's method) inside the firewall: what it
 * throws is marked, so that {@link typedError} hands it back unchanged.
 *
 * @see spec/design.md ("Classifying a token endpoint answer": the firewall)
 */
export function callerCode<T>(run: () => T): T {
  try {
    return run();
  } catch (thrown) {
    throw new CallerThrew(thrown);
  }
}

/**
 * The error as it is when it is one of ours, that is when it carries a stable string `code`
 * (every ClientError, ResponseBodyError, WWWAuthenticateChallengeError and argument error), or
 * when the caller's own code threw it ({@link callerCode}); anything else becomes a ClientError
 * OAUTH_INVALID_RESPONSE. For a raw error thrown while a server answer is read: that is a bug in
 * the reading, and the answer was not a valid one.
 *
 * @see spec/design.md ("Classifying a token endpoint answer": the firewall)
 */
export function typedError(error: unknown): Error {
  // dg:security:answer-firewall: the caller's own code's error passes unchanged: it is theirs, not a reading of the answer.
  if (error instanceof CallerThrew) return error.thrown as Error;
  // dg:security:answer-firewall: no cause, because a raw error's message (V8 quotes values) may hold a secret from the body.
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string'
    ? error
    : new ClientError('the response could not be read', { code: 'OAUTH_INVALID_RESPONSE' });
}

/**
 * Attaches `response` to a ClientError as a non-enumerable member, never as its `cause`: inspection
 * prints causes, and response headers may echo the request body (dg:security:no-response-in-cause).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export function withResponse<E extends Error>(error: E, response: Response): E {
  Object.defineProperty(error, 'response', { value: response, enumerable: false });
  return error;
}
