// RFC 6749 §7.1: access token types. A type the client does not understand is never handed over.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClientError, validateTokenResponse } from '../../lib/index.js';
import { json } from '../support/harness.js';
import { classify, scriptedPoll, tokenBody } from '../support/discovery-side.js';

const unsupported = (error: unknown) => error instanceof ClientError && error.code === 'OAUTH_UNSUPPORTED_TOKEN_TYPE';

test('rfc6749:7.1:unknown-token-type a token_type other than bearer or dpop ends the flow with OAUTH_UNSUPPORTED_TOKEN_TYPE', async () => {
  for (const token_type of ['mac', 'MAC', 'N_A', 'bearer2', 'Bearer ']) {
    const body = tokenBody({ token_type, access_token: 'AT-secret-value' });
    assert.throws(() => validateTokenResponse(body), unsupported, token_type);
    const outcome = await classify(json(body));
    assert.equal(outcome.kind, 'terminal');
    assert.ok(outcome.kind === 'terminal' && unsupported(outcome.error));
    const p = scriptedPoll(() => json(body));
    await assert.rejects(p.result, (error: unknown) => {
      assert.ok(unsupported(error));
      // The unusable token does not leak through the error either.
      assert.ok(!String(error).includes('AT-secret-value') && !JSON.stringify(error).includes('AT-secret-value'));
      return true;
    });
    assert.equal(p.fetch.calls.length, 1, 'no further polling');
  }
});

test('rfc6749:7.1:unknown-token-type a type listed in allowedTokenTypes is accepted, compared case-insensitively, and lower-cased', async () => {
  assert.equal(validateTokenResponse(tokenBody({ token_type: 'MAC' }), ['mac']).token_type, 'mac');
  assert.equal(validateTokenResponse(tokenBody({ token_type: 'mac' }), ['MAC']).token_type, 'mac');
  const outcome = await classify(json(tokenBody({ token_type: 'Mac' })), ['mac']);
  assert.equal(outcome.kind === 'token' && outcome.body.token_type, 'mac');
  const token = await scriptedPoll(() => json(tokenBody({ token_type: 'MAC' })), { allowedTokenTypes: ['mac'] }).result;
  assert.equal(token.token_type, 'mac');
  // Listing one type does not open the door to others.
  await assert.rejects(scriptedPoll(() => json(tokenBody({ token_type: 'pop' })), { allowedTokenTypes: ['mac'] }).result, unsupported);
  // Bearer and DPoP need no listing.
  assert.equal((await scriptedPoll(() => json(tokenBody({ token_type: 'DPoP' })), { allowedTokenTypes: [] }).result).token_type, 'dpop');
});
