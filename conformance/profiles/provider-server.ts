// A fake provider driven by a wire fixture: it checks each request against what the provider
// requires (answering `rejected` otherwise), plays one scenario's answers, and records the time of
// every poll so that a test can prove no poll came early (the fake clock makes times exact).
import type { CustomFetch } from '../../lib/index.js';
import type { FakeClock } from '../support/fake-clock.js';
import type { Expects, ProviderFixture, Reply, Scenario } from './fixture.js';

export interface ProviderServer {
  fetch: CustomFetch;
  /** Every request: which endpoint, when, and the members it carried. */
  requests: Array<{ kind: 'device' | 'poll' | 'discovery' | 'unknown'; time: number; members: Record<string, unknown>; headers: Record<string, string> }>;
  /** Polls that came before the interval in force had passed since the previous answer. */
  early: Array<{ time: number; due: number }>;
}

function membersOf(body: string | undefined, headers: Record<string, string>, format: Expects['format']): Record<string, unknown> | undefined {
  if (format === 'json') {
    if (!(headers['content-type'] ?? '').startsWith('application/json')) return undefined;
    try {
      return JSON.parse(body ?? '') as Record<string, unknown>;
    } catch {
      return undefined;
    }
  }
  if (!(headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return undefined;
  return Object.fromEntries(new URLSearchParams(body ?? ''));
}

function accepts(expects: Expects, body: string | undefined, headers: Record<string, string>): boolean {
  const members = membersOf(body, headers, expects.format);
  if (members === undefined) return false;
  return Object.entries(expects.members).every(([name, value]) => (value === true ? members[name] !== undefined : members[name] === value));
}

const toResponse = (reply: Reply): Response =>
  new Response(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body), {
    status: reply.status,
    headers: { 'content-type': 'application/json', ...reply.headers },
  });

const seconds = (value: unknown): number | undefined => (value === undefined ? undefined : Number(value));

/** The answers of one scenario, in order; the last one repeats. */
function script(fixture: ProviderFixture, scenario: Scenario): Reply[] {
  const { pending, token, denied, expired, slowDown } = fixture.poll;
  switch (scenario) {
    case 'approve':
      return [pending, pending, token];
    case 'deny':
      return [pending, denied];
    case 'expire':
      return [pending, expired];
    case 'slow_down':
      return [pending, slowDown as Reply, pending, token];
    case 'timeout':
      return [pending];
  }
}

export function providerServer(fixture: ProviderFixture, scenario: Scenario, clock: FakeClock): ProviderServer {
  const answers = script(fixture, scenario);
  const requests: ProviderServer['requests'] = [];
  const early: ProviderServer['early'] = [];
  const body = (fixture.device.response.body ?? {}) as Record<string, unknown>;
  let interval = seconds(body['interval']) ?? 5;
  let lastAnswer = 0;
  let polls = 0;
  const fetch: CustomFetch = async (url, init) => {
    const now = clock.now();
    const headers = init.headers;
    const record = (kind: ProviderServer['requests'][number]['kind'], format: Expects['format']): void => {
      requests.push({ kind, time: now, headers, members: membersOf(init.body, headers, format) ?? {} });
    };
    if (init.method === 'GET') {
      record('discovery', 'form');
      if (fixture.discovery !== undefined && url === fixture.discovery.url) return toResponse(fixture.discovery.reply);
      return new Response('{"error":"not_found"}', { status: 404, headers: { 'content-type': 'application/json' } });
    }
    const { device, poll } = fixture;
    let kind: 'device' | 'poll' | 'unknown' = 'unknown';
    if (url === device.url && url === poll.url) kind = accepts(device.expects, init.body, headers) ? 'device' : 'poll';
    else if (url === device.url) kind = 'device';
    else if (url === poll.url) kind = 'poll';
    if (kind === 'unknown') {
      record('unknown', 'form');
      return new Response('not found', { status: 404 });
    }
    const endpoint = kind === 'device' ? device : poll;
    record(kind, endpoint.expects.format);
    if (!accepts(endpoint.expects, init.body, headers)) return toResponse(endpoint.rejected);
    if (kind === 'device') {
      lastAnswer = now;
      return toResponse(device.response);
    }
    // RFC 8628 §3.5: no poll before the interval in force has passed since the last answer.
    const due = lastAnswer + interval * 1000;
    if (now < due) early.push({ time: now, due });
    const reply = answers[Math.min(polls++, answers.length - 1)] as Reply;
    if (reply === poll.slowDown) {
      const sent = seconds((reply.body as Record<string, unknown>)['interval']);
      interval = Math.max(interval + 5, sent ?? 0);
    }
    lastAnswer = now;
    return toResponse(reply);
  };
  return { fetch, requests, early };
}
