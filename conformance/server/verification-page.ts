// The end-user verification page (RFC 8628 §3.3, §3.3.1): type the user_code, then approve or deny.
// Plain HTML forms: no scripts, no external assets. Everything echoed is HTML-escaped.
import type { Endpoints, ServerContext } from './context.js';
import { FormParams, isFormContentType, parseFormPairs } from './form.js';
import { htmlReply, methodNotAllowed } from './replies.js';
import { normalizeUserCode } from './tokens.js';
import type { Grant, HttpReply, ServerRequest } from './types.js';

export const DEFAULT_SUBJECT = 'user';

export type Decision = 'approve' | 'deny';
export type DecisionOutcome = 'ok' | 'unknown' | 'expired' | 'decided';

/** The pending grant for a user code typed by a person (§6.1: case-insensitive, dashes and spaces ignored). */
function findGrant(context: ServerContext, userCode: string): Grant | undefined {
  const deviceCode = context.userCodes.get(normalizeUserCode(userCode));
  return deviceCode === undefined ? undefined : context.grants.get(deviceCode);
}

/** Approve or deny a pending, unexpired authorization (shared by the page and the test controls). */
export function decide(context: ServerContext, userCode: string, decision: Decision, subject: string): DecisionOutcome {
  const grant = findGrant(context, userCode);
  if (!grant) return 'unknown';
  if (context.now() >= grant.expiresAt) return 'expired'; // §3.2: user_code lifetime
  if (grant.status !== 'pending') return 'decided';
  grant.status = decision === 'approve' ? 'approved' : 'denied';
  if (decision === 'approve') {
    grant.subject = subject;
    grant.authTime = context.now();
  }
  return 'ok';
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:30rem;margin:3rem auto;padding:0 1rem;line-height:1.4}' +
  'input{font-size:1.4rem;letter-spacing:.12em;text-transform:uppercase;width:100%;box-sizing:border-box;padding:.4rem}' +
  'button{font-size:1rem;padding:.5rem 1.2rem;margin:1rem .5rem 0 0}.code{font-size:1.6rem;font-weight:bold;letter-spacing:.12em}' +
  '.error{color:#a00}';

function page(title: string, content: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${content}
</main>
</body>
</html>
`;
}

function form(action: string, userCode: string, message: string): string {
  return `${message}
<form method="post" action="${escapeHtml(action)}">
<p><label for="user_code">Enter the code shown on your device:</label></p>
<input id="user_code" name="user_code" value="${escapeHtml(userCode)}" autocomplete="off" autocapitalize="characters" spellcheck="false" required>
<button type="submit" name="action" value="approve">Approve</button>
<button type="submit" name="action" value="deny">Deny</button>
</form>`;
}

/** §3.3: inform the user about what they are approving; §3.3.1: show the code so they can match it. */
function describe(grant: Grant): string {
  const scope = grant.scope === undefined ? '' : ` for <strong>${escapeHtml(grant.scope)}</strong>`;
  return `<p>The application <strong>${escapeHtml(grant.clientId)}</strong> asks for access${scope}.</p>
<p>Check that the device shows this code:</p>
<p class="code">${escapeHtml(grant.userCode)}</p>`;
}

export function verificationPage(context: ServerContext, endpoints: Endpoints, request: ServerRequest): HttpReply {
  const action = new URL(endpoints.verification).pathname;
  if (request.method === 'GET' || request.method === 'HEAD') {
    // §3.3.1: verification_uri_complete carries the user_code, which pre-fills the form.
    const userCode = new URL(request.url).searchParams.get('user_code') ?? '';
    const grant = userCode === '' ? undefined : findGrant(context, userCode);
    const live = grant && grant.status === 'pending' && context.now() < grant.expiresAt;
    const message =
      userCode === '' ? '' : live ? describe(grant) : '<p class="error">That code is not valid, was already used, or has expired.</p>';
    return htmlReply(200, page('Connect a device', form(action, userCode, message)));
  }
  if (request.method !== 'POST') return methodNotAllowed('GET, POST');
  if (!isFormContentType(request.headers['content-type'])) {
    return htmlReply(415, page('Connect a device', form(action, '', '<p class="error">Please use the form.</p>')));
  }
  const params = new FormParams(parseFormPairs(request.body));
  const userCode = params.get('user_code') ?? '';
  const decision = params.get('action');
  if (decision !== 'approve' && decision !== 'deny') {
    return htmlReply(400, page('Connect a device', form(action, userCode, '<p class="error">Choose Approve or Deny.</p>')));
  }
  const outcome = decide(context, userCode, decision, DEFAULT_SUBJECT);
  if (outcome === 'ok' && decision === 'approve') {
    return htmlReply(200, page('Device connected', '<p>You approved the request. Return to your device to continue.</p>'));
  }
  if (outcome === 'ok') {
    return htmlReply(200, page('Request denied', '<p>You denied the request. The device will not get access.</p>'));
  }
  const reason = {
    unknown: 'That code is not valid. Check it and try again.',
    expired: 'That code has expired. Start again on your device.',
    decided: 'That code has already been used.',
  }[outcome];
  return htmlReply(400, page('Connect a device', form(action, userCode, `<p class="error">${reason}</p>`)));
}
