// The floor: the least a device-flow client can do, to measure the library against. It waits
// the interval, POSTs the form, parses the JSON and branches. It checks nothing (no status, no
// media type, no size cap, no timeout, no token validation, no redaction, no deadline), so no
// real client should be this small; what device-grant costs above it pays for its checks.
//
// It honours an AbortSignal as cheaply as it can: one listener per wait, and the signal handed
// to fetch.

export type FloorFetch = (url: string, init: { method: 'POST'; headers: Record<string, string>; body: string; signal?: AbortSignal }) => Promise<Response>;

export interface FloorDevice {
  device_code: string;
  interval?: number;
}

const HEADERS = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };

function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal === undefined) {
      setTimeout(resolve, ms);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Polls until a token or an error other than authorization_pending / slow_down. */
export async function floorPoll(fetch: FloorFetch, tokenUrl: string, clientId: string, device: FloorDevice, signal?: AbortSignal): Promise<Record<string, unknown>> {
  const body = `grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code=${encodeURIComponent(device.device_code)}&client_id=${encodeURIComponent(clientId)}`;
  let interval = device.interval ?? 5;
  for (;;) {
    await wait(interval * 1000, signal);
    const json = (await (await fetch(tokenUrl, signal === undefined ? { method: 'POST', headers: HEADERS, body } : { method: 'POST', headers: HEADERS, body, signal })).json()) as Record<string, unknown>;
    if (json['error'] === undefined) return json;
    if (json['error'] === 'slow_down') interval += 5;
    else if (json['error'] !== 'authorization_pending') throw new Error(String(json['error']));
  }
}
