// The fuzzed authorization server: for each request (discovery, device authorization, token) a
// seeded choice of status, headers, body and timing, some of it hostile. Secrets the client sent
// are echoed back in many spellings, so that redaction is exercised on every run.
import type { CustomFetchOptions } from '../../lib/index.js';
import type { Random } from './prng.js';

export const ISSUER = 'https://fuzz.example.test';

/** Every spelling a server might echo a secret in. */
export function spellings(secret: string): string[] {
  const encoded = encodeURIComponent(secret);
  return [secret, encoded, encoded.toLowerCase(), escape(secret), encoded.replace(/%20/g, '+')];
}

const utf8 = new TextEncoder();

function bytes(status: number, body: Uint8Array | string, headers: Record<string, string>): Response {
  return new Response(typeof body === 'string' ? body : (body as BodyInit), { status, headers });
}

/** A body that arrives in small chunks, a few ms apart (a slow drip); it stops when the signal aborts. */
function drip(random: Random, text: string, status: number, headers: Record<string, string>, signal: AbortSignal): Response {
  const data = utf8.encode(text);
  let offset = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      return new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          if (signal.aborted || offset >= data.length) controller.close();
          else {
            const size = 1 + random.int(64);
            controller.enqueue(data.slice(offset, offset + size));
            offset += size;
          }
          resolve();
        }, random.int(3));
      });
    },
    cancel() {
      clearTimeout(timer);
    },
  });
  return new Response(stream, { status, headers });
}

function nested(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

/** Extra headers drawn at random: wrong types, lengths, Retry-After, challenges, DPoP nonces. */
function headers(random: Random, echo: string): Record<string, string> {
  const h: Record<string, string> = {};
  if (random.chance(0.8)) h['content-type'] = random.pick(['application/json', 'application/json; charset=utf-8', 'text/html', 'application/problem+json', 'text/plain', '']);
  if (random.chance(0.15)) h['retry-after'] = random.pick(['1', '0', '-5', '1e9', 'soon', 'Wed, 21 Oct 2037 07:28:00 GMT', '3600', '0.5']);
  if (random.chance(0.1)) h['www-authenticate'] = random.pick(['Basic realm="x", error="invalid_client"', `Bearer error="invalid_token", error_description="${echo}"`, 'garbage', '', 'DPoP algs="ES256"']);
  if (random.chance(0.1)) h['dpop-nonce'] = random.pick(['n-1', echo, '']);
  if (random.chance(0.1)) h['x-echo'] = echo;
  return h;
}

export interface Turn {
  /** 'discovery', 'device' or 'token'. */
  endpoint: string;
  index: number;
  init: CustomFetchOptions;
}

/** The body the fuzzer's server answers with: usually plausible, sometimes hostile. */
function bodyFor(random: Random, endpoint: string, echo: string, deviceCode: string): unknown {
  if (endpoint === 'discovery') {
    const m: Record<string, unknown> = { issuer: ISSUER, token_endpoint: `${ISSUER}/token`, device_authorization_endpoint: `${ISSUER}/device` };
    if (random.chance(0.1)) m['token_endpoint'] = random.pick(['https://u:p@fuzz.example.test/token', 'javascript:alert(1)', 'data:,x', 5, null, 'ftp://x/y', `${ISSUER}/t#frag`]);
    if (random.chance(0.05)) m['issuer'] = random.pick(['https://evil.example', 7]);
    return m;
  }
  if (endpoint === 'device') {
    const d: Record<string, unknown> = {
      device_code: deviceCode,
      user_code: random.pick(['WDJB-MJHT', 'A\u200bB\u00adC', '\u200b', '\x1b[31mRED', 'x'.repeat(300), '\u202eEDOC']),
      verification_uri: random.pick([`${ISSUER}/device`, 'https://accounts.example@evil.example/device', 'javascript:alert(1)', 'http://insecure.example/device']),
      expires_in: random.pick([1, 5, 30, 600, 1e15, '600', 0, -1, '1e3', 86_400]),
    };
    if (random.chance(0.8)) d['interval'] = random.pick([0, 1e-9, 0.5, 1, 5, '5', -1, 1e15, '0', 3600]);
    if (random.chance(0.5)) d['verification_uri_complete'] = random.pick([`${ISSUER}/device?c=1`, 'https://evil.example/x', 'https://u@evil.example/x']);
    return d;
  }
  const roll = random.int(10);
  if (roll < 4) return { error: 'authorization_pending', error_description: random.chance(0.3) ? echo : undefined };
  if (roll < 5) return { error: 'slow_down', interval: random.pick([undefined, 1, 20, -1, 'x', 1e15]) };
  if (roll < 6) return { access_token: random.pick(['at', 'at', 5, '']), token_type: random.pick(['bearer', 'Bearer', 'DPoP', 'mac', undefined]), expires_in: random.pick([3600, '3600', -1, 'x', undefined]) };
  if (roll < 8) {
    const code = random.pick(['access_denied', 'expired_token', 'invalid_grant', 'invalid_client', 'custom', 5, null]);
    return { error: code, error_description: echo, error_uri: `https://x.example/?q=${echo}`, [echo]: echo, access_token: random.chance(0.2) ? 'leaked-at' : undefined };
  }
  return random.pick([[1, 2], 'str', null, { a: { b: { c: echo } } }, { error: { nested: true } }]);
}

/**
 * One answer of the fuzzed server. `signal` is the client's; some answers ignore it (a fetch that
 * does not honour abort), some hang until it aborts, some drip slowly.
 */
export async function answer(random: Random, turn: Turn, deviceCode: string, track: { settle(at: Promise<unknown>): void }): Promise<Response> {
  const params = new URLSearchParams(turn.init.body ?? '');
  const secret = random.pick([params.get('device_code'), params.get('client_secret'), turn.init.headers['authorization'], 'plain']) ?? 'plain';
  const echo = random.pick(spellings(secret));
  if (turn.endpoint !== 'token' && random.chance(0.85)) {
    // Mostly a plausible answer, so that most runs reach polling; the values still vary.
    if (turn.endpoint === 'discovery') return Response.json({ issuer: ISSUER, token_endpoint: `${ISSUER}/token`, device_authorization_endpoint: `${ISSUER}/device` });
    return Response.json({
      device_code: deviceCode,
      user_code: random.pick(['WDJB-MJHT', 'A\u200bB\u00adC', '\x1b[31mRED']),
      verification_uri: `${ISSUER}/device`,
      expires_in: random.pick([5, 30, 600, 1e15, '600', 86_400]),
      interval: random.pick([0, 1e-9, 0.5, 1, 5, '5', 2.5]),
    });
  }
  const timing = random.int(40);
  if (timing === 0) throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
  if (timing === 1) {
    // Hangs until the signal aborts, as a well-behaved fetch does.
    return new Promise<Response>((_resolve, reject) => turn.init.signal.addEventListener('abort', () => reject(turn.init.signal.reason), { once: true }));
  }
  if (timing === 2) {
    // Ignores the signal: answers pending after a while, whatever the client gave up on.
    const late = new Promise<Response>((resolve) => setTimeout(() => resolve(Response.json({ error: 'authorization_pending' }, { status: 400 })), 20 + random.int(60)));
    track.settle(late);
    return late;
  }
  const body = bodyFor(random, turn.endpoint, echo, deviceCode);
  const success = typeof body === 'object' && body !== null && 'access_token' in body;
  const status = random.chance(0.7) ? (turn.endpoint === 'token' && !success ? 400 : 200) : random.pick([200, 201, 204, 301, 302, 307, 400, 401, 403, 404, 408, 418, 429, 500, 502, 503, 504]);
  const h = headers(random, echo);
  if (success && random.chance(0.7)) return Response.json(body, { status }); // a clean token answer
  const text = JSON.stringify(body) ?? '';
  const shape = random.int(24);
  const nullBody = status === 204 || status === 205 || status === 304;
  if (nullBody) return new Response(null, { status, headers: h });
  if (shape === 0) return bytes(status, text.slice(0, random.int(text.length + 1)), h); // truncated
  if (shape === 1) return bytes(status, `{"error":"invalid_grant","x":"${'a'.repeat(1_100_000)}"}`, h); // over the cap
  if (shape === 2) return bytes(status, `{"error":"invalid_grant","x":${nested(20_000)}}`, h); // deeply nested
  if (shape === 3) return bytes(status, `{"error":"invalid_grant","__proto__":{"polluted":"yes"},"a":{"__proto__":{"polluted":1}}}`, h);
  if (shape === 4) return bytes(status, new Uint8Array([0x7b, 0x22, 0x65, 0xff, 0xfe, 0x22, 0x3a, 0xc3, 0x28, 0x7d]), h); // not UTF-8
  if (shape === 5) return bytes(status, `{"error":"access_denied","error_description":"\u0000\u001b[2J\u0085\u202e${echo}"}`, h);
  if (shape === 6) return bytes(status, text, { ...h, 'content-length': random.pick(['99999999', '-1', 'abc', '0']) });
  if (shape === 7) return drip(random, text, status, h, turn.init.signal);
  if (shape === 8) {
    const many: Record<string, string> = { error: 'invalid_grant' };
    for (let i = 0; i < 2000; i++) many[`m${i}`] = i % 100 === 0 ? echo : `v${i}`;
    return bytes(status, JSON.stringify(many), h);
  }
  return bytes(status, text, h);
}
