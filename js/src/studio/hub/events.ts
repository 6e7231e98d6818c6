// The streamed `events` of a turn, applied in `seq` order: text deltas per chat item and the
// activity line. Colab may drop messages sent from a background thread, so a gap is waited for
// (and a poll asked) before it is skipped.
import type { EventsMessage } from "../protocol";
import type { ChatItem } from "../traits";

export const GAP_WAIT_MS = 1500; // how long missing `events` messages are waited for

export interface EventStreamHooks {
  /** The `messages` trait now. */
  messages(): ChatItem[];
  /** Ask the kernel for what came after the last message we have. */
  poll(): void;
  /** A delta for item `id` was applied. */
  delta(id: string): void;
  /** The activity line changed. */
  activity(): void;
}

export class EventStream {
  /** item id -> text streamed so far */
  readonly streamed = new Map<string, string>();
  /** item id -> when its first delta reached the kernel */
  readonly firstDeltaKernelMs = new Map<string, number>();
  /** item id -> when its first streamed text showed (stamped by the first view that shows it) */
  readonly firstShownMs = new Map<string, number>();
  activity = "";
  lastSeq: number | null = null;
  private readonly pending = new Map<number, EventsMessage>();
  private gapSince = 0;

  constructor(private readonly hooks: EventStreamHooks) {}

  receive(message: EventsMessage, now = Date.now()): void {
    const seq = message.seq;
    if (seq === null) {
      this.apply(message);
      return;
    }
    if (this.lastSeq !== null && seq <= this.lastSeq) return; // seen already (poll replay)
    if (this.lastSeq === null || seq === this.lastSeq + 1) {
      this.lastSeq = seq;
      this.apply(message);
      this.drain(false);
      return;
    }
    // A message went missing: keep this one and ask for what came after the last we have.
    this.pending.set(seq, message);
    if (!this.gapSince) this.gapSince = now;
    this.hooks.poll();
  }

  /** Skip a gap that did not fill within GAP_WAIT_MS. */
  tick(now = Date.now()): void {
    if (this.pending.size && now - this.gapSince >= GAP_WAIT_MS) this.drain(true);
  }

  /** Apply waiting messages in order; with `force`, skip over a gap that never filled. */
  private drain(force: boolean): void {
    while (this.pending.size) {
      const next = (this.lastSeq ?? 0) + 1;
      let seq = next;
      if (!this.pending.has(next)) {
        if (!force) return;
        seq = Math.min(...this.pending.keys());
      }
      const message = this.pending.get(seq) as EventsMessage;
      this.pending.delete(seq);
      this.lastSeq = seq;
      this.apply(message);
    }
    this.gapSince = 0;
  }

  private apply(message: EventsMessage): void {
    for (const item of message.items) {
      if (item.kind === "delta") {
        if (this.isFinished(item.id)) continue; // the committed text already replaced the deltas
        if (!this.streamed.has(item.id)) this.firstDeltaKernelMs.set(item.id, message.t_kernel);
        this.streamed.set(item.id, (this.streamed.get(item.id) ?? "") + item.text);
        this.hooks.delta(item.id);
      } else {
        this.activity = item.text;
        this.hooks.activity();
      }
    }
  }

  private isFinished(id: string): boolean {
    const item = this.hooks.messages().find((m) => m.id === id);
    return Boolean(item && !item.streaming);
  }

  /** The `messages` trait changed: drop deltas of finished items, keep those not listed yet. */
  prune(): void {
    const messages = this.hooks.messages();
    const known = new Set(messages.map((m) => m.id));
    const streaming = new Set(messages.filter((m) => m.streaming).map((m) => m.id));
    for (const id of [...this.streamed.keys()]) {
      if (known.has(id) && !streaming.has(id)) this.streamed.delete(id);
    }
  }

  /** The turn ended: the activity line goes. Returns whether it changed. */
  clearActivity(): boolean {
    if (!this.activity) return false;
    this.activity = "";
    return true;
  }

  /** Display text of an item: while it streams, the longer of the trait text and the deltas. */
  displayText(item: ChatItem): string {
    if (!item.streaming) return item.text;
    const streamed = this.streamed.get(item.id) ?? "";
    return streamed.length > item.text.length ? streamed : item.text;
  }
}
