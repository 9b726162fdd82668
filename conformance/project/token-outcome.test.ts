// The machine owns its vocabulary (spec/design.md "The polling machine"): the classifier turns a
// token endpoint answer into a TokenOutcome, with the ID token checked as part of classifying,
// and the machine's `done` command carries everything the result needs, so the driver keeps no
// state of its own beside the machine's.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClientError, classifyTokenResponse, initialState, step, type TokenOutcome } from '../../lib/index.js';
import { httpOf } from '../support/discovery-side.js';
import { CLIENT_ID, ISSUER, json } from '../support/harness.js';
import { T0, goodClaims, jwt } from '../support/polling-side.js';

const idTokenCheck = (now: number) => ({ server: { issuer: ISSUER }, client: { client_id: CLIENT_ID }, now });

test('dg:polling:done-carries-result a token answer is classified with its arrival time and checked ID token claims, and done hands both on unchanged', async () => {
  const claims = goodClaims(T0);
  const body = { access_token: 'at-1', token_type: 'Bearer', id_token: jwt(claims) };
  const outcome = classifyTokenResponse(await httpOf(json(body), T0 + 1234), [], { idToken: idTokenCheck(T0) });
  assert.equal(outcome.kind, 'token');
  assert.equal(outcome.kind === 'token' && outcome.receivedAt, T0 + 1234);
  assert.deepEqual(outcome.kind === 'token' && outcome.claims, claims);

  let state = initialState({ device_code: 'dc', interval: 5, expires_in: 600, receivedAt: T0 });
  state = step(state, { type: 'timer', now: T0 + 5000 }).state;
  const done = step(state, { type: 'response', now: T0 + 5100, outcome });
  assert.equal(done.state.phase, 'done');
  assert.equal(done.command.type, 'done');
  if (done.command.type !== 'done') return;
  assert.equal(done.command.receivedAt, T0 + 1234);
  assert.deepEqual(done.command.claims, claims);
  assert.equal(done.command.token.token_type, 'bearer');
});

test('dg:polling:done-carries-result without an ID token, done carries no claims; without the metadata, the classifier leaves an ID token unchecked', async () => {
  const plain = classifyTokenResponse(await httpOf(json({ access_token: 'at', token_type: 'bearer' }), T0), [], { idToken: idTokenCheck(T0) });
  assert.equal(plain.kind === 'token' && plain.claims, undefined);
  const unchecked = classifyTokenResponse(await httpOf(json({ access_token: 'at', token_type: 'bearer', id_token: 'not.a.jwt' }), T0), []);
  assert.equal(unchecked.kind, 'token');
});

test('oidc:3.1.3.7:iss-match a bad ID token makes the answer terminal when it is classified, before the machine sees a token', async () => {
  const body = { access_token: 'at-secret', token_type: 'bearer', id_token: jwt(goodClaims(T0, CLIENT_ID, 'https://evil.example')) };
  const outcome: TokenOutcome = classifyTokenResponse(await httpOf(json(body), T0), [], { idToken: idTokenCheck(T0) });
  assert.equal(outcome.kind, 'terminal');
  assert.ok(outcome.kind === 'terminal' && outcome.error instanceof ClientError);
  let state = initialState({ device_code: 'dc', interval: 5, expires_in: 600, receivedAt: T0 });
  state = step(state, { type: 'timer', now: T0 + 5000 }).state;
  assert.equal(step(state, { type: 'response', now: T0 + 5100, outcome }).state.phase, 'failed');
});
