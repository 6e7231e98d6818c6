// The poll fallback: while a turn or an export runs, when nothing arrived for a second, ask the
// kernel to send again what we may have missed (Colab may not deliver background messages).

export const POLL_SILENCE_MS = 1000;

export class Poller {
  private lastArrival = Date.now();
  private lastPoll = 0;

  /** @param poll  send `poll` (with the last seq seen) */
  constructor(private readonly poll: () => void) {}

  /** Something came from the kernel (a message or a trait change). */
  heard(now = Date.now()): void {
    this.lastArrival = now;
  }

  /** Poll now unless one went out within the last POLL_SILENCE_MS. */
  request(now = Date.now()): void {
    if (now - this.lastPoll < POLL_SILENCE_MS) return;
    this.lastPoll = now;
    this.poll();
  }

  /** Called every tick: poll when `active` and the kernel has been silent. */
  tick(active: boolean, now = Date.now()): void {
    if (active && now - this.lastArrival >= POLL_SILENCE_MS) this.request(now);
  }
}
