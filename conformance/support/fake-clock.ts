// A fake clock for tests: `now()` and `sleep()` run on fake time, so a test using it never sleeps
// for real. Time moves only when the test calls `advance()` / `runAll()`, or, in auto-advancing
// mode, when someone sleeps (a 15-minute polling flow then runs in milliseconds).
//
// sleep(0) and negative sleeps are due at once but, as with fake timers generally, settle only at
// the next advance()/runAll() (auto mode settles them immediately).

export interface FakeClock {
  now(): number;
  /** Resolves once fake time reaches now + ms; rejects with `signal.reason` if the signal aborts. */
  sleep(ms: number, signal?: AbortSignal | null): Promise<void>;
  /** Move time forward by ms, settling due sleeps in wake-up order with microtasks drained between them. */
  advance(ms: number): Promise<void>;
  /** Advance until no sleep is pending (sleeps scheduled meanwhile included). */
  runAll(): Promise<void>;
  /** The number of sleeps not yet settled. */
  pending(): number;
}

export interface FakeClockOptions {
  /** Start time in epoch ms (default 2026-01-01T00:00:00Z). */
  start?: number;
  /** `sleep(ms)` moves the clock forward by ms itself and resolves at once. */
  autoAdvance?: boolean;
}

interface Sleeper {
  wake: number;
  seq: number;
  resolve(): void;
}

const DEFAULT_START = Date.UTC(2026, 0, 1);
const RUN_ALL_LIMIT = 100_000;

/** Let every queued microtask (and chains of them) run: one macrotask turn. */
const drain = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export function createFakeClock(startOrOptions: number | FakeClockOptions = DEFAULT_START): FakeClock {
  const options = typeof startOrOptions === 'number' ? { start: startOrOptions } : startOrOptions;
  const autoAdvance = options.autoAdvance ?? false;
  let time = options.start ?? DEFAULT_START;
  let seq = 0;
  const sleepers: Sleeper[] = [];

  const earliest = (): Sleeper | undefined =>
    sleepers.reduce<Sleeper | undefined>((min, s) => (!min || s.wake < min.wake || (s.wake === min.wake && s.seq < min.seq) ? s : min), undefined);

  async function advance(ms: number): Promise<void> {
    const target = time + Math.max(0, Number.isFinite(ms) ? ms : 0);
    await drain();
    for (let next = earliest(); next && next.wake <= target; next = earliest()) {
      sleepers.splice(sleepers.indexOf(next), 1);
      time = Math.max(time, next.wake);
      next.resolve();
      await drain();
    }
    time = target;
  }

  return {
    now: () => time,
    sleep(ms, signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      const duration = Math.max(0, Number.isFinite(ms) ? ms : 0);
      if (autoAdvance) {
        time += duration;
        return Promise.resolve();
      }
      return new Promise<void>((resolve, reject) => {
        const onAbort = (): void => {
          const index = sleepers.indexOf(sleeper);
          if (index >= 0) sleepers.splice(index, 1);
          reject(signal?.reason);
        };
        const sleeper: Sleeper = {
          wake: time + duration,
          seq: seq++,
          resolve: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        sleepers.push(sleeper);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
    advance,
    async runAll() {
      await drain();
      for (let i = 0; sleepers.length > 0; i++) {
        if (i >= RUN_ALL_LIMIT) throw new Error('runAll: sleeps keep being scheduled; is something polling forever?');
        await advance((earliest()?.wake ?? time) - time);
      }
    },
    pending: () => sleepers.length,
  };
}
