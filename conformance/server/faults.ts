// Scripted misbehaviour for tests: per-endpoint FIFO queues of faults, and what each fault looks like on the wire.
import { jsonReply } from './replies.js';
import type { Fault, FaultTarget, ServerReply, TargetedFault } from './types.js';

export class FaultQueues {
  readonly #queues: Record<FaultTarget, Fault[]> = { token: [], device: [], discovery: [] };

  /** A bare Fault targets the token endpoint. */
  push(items: ReadonlyArray<Fault | TargetedFault>): void {
    for (const item of items) {
      if ('endpoint' in item) this.#queues[item.endpoint].push(item.fault);
      else this.#queues.token.push(item);
    }
  }

  take(target: FaultTarget): Fault | undefined {
    return this.#queues[target].shift();
  }

  clear(): void {
    for (const queue of Object.values(this.#queues)) queue.length = 0;
  }
}

const withRetryAfter = (retryAfter: string | undefined): Record<string, string> =>
  retryAfter === undefined ? {} : { 'retry-after': retryAfter };

export function faultReply(fault: Fault): ServerReply {
  switch (fault.kind) {
    case 'status': {
      const status = fault.status ?? 503;
      return {
        status,
        headers: { 'content-type': 'text/plain; charset=utf-8', ...withRetryAfter(fault.retryAfter) },
        body: `status ${status}\n`,
      };
    }
    case 'json':
      return jsonReply(fault.status ?? 500, fault.body, withRetryAfter(fault.retryAfter));
    case 'html':
      return {
        status: fault.status ?? 502,
        headers: { 'content-type': 'text/html; charset=utf-8' },
        body: '<!doctype html><html><head><title>Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>',
      };
    case 'empty':
      return { status: fault.status ?? 429, headers: withRetryAfter(fault.retryAfter), body: '' };
    case 'reset':
      return { fault: 'reset' };
    case 'hang':
      return { fault: 'hang' };
    case 'pending-200':
      return jsonReply(200, { error: 'authorization_pending' }, withRetryAfter(fault.retryAfter));
    case 'redirect':
      return { status: fault.status ?? 302, headers: { location: fault.location }, body: '' };
    case 'raw':
      return {
        status: fault.status,
        headers: Object.fromEntries(Object.entries(fault.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
        body: fault.body ?? '',
      };
  }
}

/**
 * The RFC 8628 §3.5 polling answer a fault's reply carries, if any: a JSON object whose `error` is
 * authorization_pending or slow_down. Only such faults advance a device_code's timing state.
 */
export function pollingAnswerOf(reply: ServerReply): 'authorization_pending' | 'slow_down' | undefined {
  if (!('status' in reply)) return undefined;
  const contentType = reply.headers['content-type'] ?? '';
  if (!contentType.toLowerCase().includes('json')) return undefined;
  try {
    const body: unknown = JSON.parse(reply.body);
    if (typeof body !== 'object' || body === null) return undefined;
    const error = (body as { error?: unknown }).error;
    return error === 'authorization_pending' || error === 'slow_down' ? error : undefined;
  } catch {
    return undefined;
  }
}
