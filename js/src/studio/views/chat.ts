// The conversation: chat items reconciled by id, streamed text re-rendered once per frame,
// the activity line, and following the newest reply unless the person scrolled up.
import { button, copyWithFeedback, Disposer, h } from "../../shared/dom";
import type { AnyModel } from "../../shared/model";
import { httpUrl } from "../../shared/urls";
import type { Hub } from "../hub/hub";
import { renderMarkdown } from "../markdown/render";
import { type ChatItem, readFlag, readMessages } from "../traits";
import { buildQuestion, type QuestionState } from "./question";

const NEAR_BOTTOM_PX = 40;

interface ItemRecord {
  node: HTMLElement;
  sig: string;
  body: HTMLElement | null;
}

export class ChatLog {
  readonly log = h("div", {
    class: "nemo-log",
    role: "log",
    "aria-live": "polite",
    "aria-label": "Conversation",
    tabindex: "0",
  });
  readonly activityLine = h("div", { class: "nemo-activity", "aria-live": "polite", hidden: true });
  private readonly pill = button("↓ New messages", "Scroll to the newest messages", {
    class: "nemo-pill",
    hidden: true,
  });
  /** A labelled grip (drag, or arrow keys) for the conversation's height. */
  private readonly grip = h("div", {
    class: "nemo-grip",
    role: "separator",
    tabindex: "0",
    "aria-orientation": "horizontal",
    "aria-label": "Resize the conversation (drag, or use the up and down arrow keys)",
    title: "Drag to resize the conversation",
    "data-testid": "nemo-resize",
  });
  readonly logWrap = h("div", { class: "nemo-logwrap" }, [this.log, this.pill, this.grip]);
  private readonly items = new Map<string, ItemRecord>();

  private setLogHeight(px: number): void {
    const height = Math.max(160, Math.min(1200, Math.round(px)));
    this.log.style.height = `${height}px`;
    this.grip.setAttribute("aria-valuenow", String(height));
  }
  private readonly questions: QuestionState;
  private stick = true;
  private readonly dirty = new Set<string>();
  private cancelFrame: (() => void) | null = null;

  constructor(
    private readonly model: AnyModel,
    private readonly hub: Hub,
    cleanup: Disposer,
  ) {
    this.questions = {
      answers: new Map(),
      sent: new Set(),
      send: (message) => hub.send(message),
    };
    cleanup.on(this.log, "scroll", () => {
      this.stick = this.atBottom();
      if (this.stick) this.pill.hidden = true;
    });
    cleanup.on(this.pill, "click", () => this.follow());
    // A narrower cell re-wraps the replies and the newest slips below the fold: follow it
    // again, or offer the "new messages" pill when the person had scrolled up.
    const resize = new ResizeObserver(() => this.contentChanged());
    resize.observe(this.log);
    cleanup.add(() => resize.disconnect());
    cleanup.on(this.grip, "keydown", (event: KeyboardEvent) => {
      const step = event.key === "ArrowDown" ? 40 : event.key === "ArrowUp" ? -40 : 0;
      if (!step) return;
      event.preventDefault();
      this.setLogHeight(this.log.offsetHeight + step);
    });
    cleanup.on(this.grip, "pointerdown", (event: PointerEvent) => {
      const startY = event.clientY;
      const startHeight = this.log.offsetHeight;
      this.grip.setPointerCapture(event.pointerId);
      const move = (e: PointerEvent): void => this.setLogHeight(startHeight + e.clientY - startY);
      const up = (): void => {
        this.grip.removeEventListener("pointermove", move);
        this.grip.removeEventListener("pointerup", up);
      };
      this.grip.addEventListener("pointermove", move);
      this.grip.addEventListener("pointerup", up);
    });
    cleanup.add(() => this.cancelFrame?.());
  }

  private signature(item: ChatItem): string {
    return `${JSON.stringify(item)}\u0000${this.hub.events.displayText(item)}`;
  }

  /** Reconcile the list by item id: unchanged items keep their nodes (scroll, selection). */
  render(): void {
    const items = readMessages(this.model);
    const seen = new Set<string>();
    let expected = this.log.firstChild;
    for (const item of items) {
      if (seen.has(item.id)) continue;
      seen.add(item.id);
      const sig = this.signature(item);
      let record = this.items.get(item.id);
      if (!record) {
        record = {
          node: h("div", { class: "nemo-item", "data-item-id": item.id }),
          sig: "",
          body: null,
        };
        this.items.set(item.id, record);
      }
      if (record.sig !== sig) {
        record.sig = sig;
        this.fillItem(record, item);
      }
      if (record.node !== expected) this.log.insertBefore(record.node, expected);
      else expected = expected.nextSibling;
    }
    for (const [id, record] of [...this.items]) {
      if (!seen.has(id)) {
        record.node.remove();
        this.items.delete(id);
        this.questions.answers.delete(id);
      }
    }
    this.contentChanged();
  }

  /** Build the contents of one item's node. */
  private fillItem(record: ItemRecord, item: ChatItem): void {
    const role = item.role;
    const node = record.node;
    node.className = `nemo-item nemo-item-${role}`;
    record.body = null;
    if (role === "status") {
      const status = h("div", { class: "nemo-status", "data-testid": "nemo-status" }, [
        h("span", { text: item.text }),
      ]);
      if (item.detail) {
        // Shown only in debug mode (the root's nemo-debug class): the tool and its arguments.
        status.append(h("code", { class: "nemo-status-detail", text: item.detail }));
      }
      node.replaceChildren(status);
      return;
    }
    if (role === "error") {
      const bubble = h("div", { class: "nemo-error", "data-testid": "nemo-error", role: "alert" }, [
        h("div", { class: "nemo-error-text", text: item.text }),
      ]);
      const link = httpUrl(item.link);
      if (link) {
        bubble.append(
          h("a", {
            class: "nemo-error-link",
            href: link,
            target: "_blank",
            rel: "noopener noreferrer",
            text: "Fix it here",
          }),
        );
      }
      node.replaceChildren(bubble);
      return;
    }
    const bubble = h("div", {
      class: `nemo-bubble nemo-bubble-${role}`,
      "data-testid": "nemo-message",
      "data-role": role,
      "data-streaming": item.streaming ? "true" : "false",
    });
    if (role === "user") {
      bubble.append(h("div", { class: "nemo-plain", text: item.text }));
    } else {
      const body = h("div", { class: "nemo-markdown" });
      body.append(renderMarkdown(this.hub.events.displayText(item)));
      record.body = body;
      bubble.append(body);
      this.stampFirstText(bubble, item.id);
      if (item.stopped) bubble.append(h("div", { class: "nemo-note", text: "Stopped" }));
      if (item.question)
        bubble.append(buildQuestion({ ...item, question: item.question }, this.questions));
      const copy = button("Copy", "Copy message", { class: "nemo-copy", title: "Copy message" });
      copy.addEventListener("click", () => {
        const current = readMessages(this.model).find((m) => m.id === item.id) ?? item;
        copyWithFeedback(copy, this.hub.events.displayText(current));
      });
      bubble.append(h("div", { class: "nemo-bubble-tools" }, [copy]));
    }
    node.replaceChildren(bubble);
  }

  /** Re-render streamed text of an item soon (coalesced per animation frame). */
  scheduleItem(id: string): void {
    this.dirty.add(id);
    if (this.cancelFrame) return;
    const run = () => {
      this.cancelFrame?.();
      this.flushDirty();
    };
    // rAF is paused in hidden tabs; the timer keeps the text going there.
    const raf = requestAnimationFrame(run);
    const timer = setTimeout(run, 100);
    this.cancelFrame = () => {
      cancelAnimationFrame(raf);
      clearTimeout(timer);
      this.cancelFrame = null;
    };
  }

  /**
   * Stamp the bubble with when its first streamed text reached the kernel and when it first
   * showed here (epoch ms): what benchmarks/bench_widget.py reports as kernel-to-screen.
   */
  private stampFirstText(bubble: HTMLElement, id: string): void {
    const events = this.hub.events;
    const kernelMs = events.firstDeltaKernelMs.get(id);
    if (!kernelMs) return;
    if (!events.firstShownMs.has(id)) events.firstShownMs.set(id, Date.now());
    bubble.dataset.tKernel = String(kernelMs);
    bubble.dataset.tShown = String(events.firstShownMs.get(id));
  }

  private flushDirty(): void {
    const ids = [...this.dirty];
    this.dirty.clear();
    const items = readMessages(this.model);
    for (const id of ids) {
      const record = this.items.get(id);
      const item = items.find((candidate) => candidate.id === id);
      if (!record || !item || !record.body) continue; // shown when the item arrives
      const bubble = record.body.parentElement;
      if (bubble) bubble.dataset.streaming = item.streaming ? "true" : "false";
      record.body.replaceChildren(renderMarkdown(this.hub.events.displayText(item)));
      if (bubble) this.stampFirstText(bubble, id);
      record.sig = this.signature(item);
    }
    this.contentChanged();
  }

  private atBottom(): boolean {
    const log = this.log;
    return log.scrollHeight - log.scrollTop - log.clientHeight <= NEAR_BOTTOM_PX;
  }

  private scrollToBottom(): void {
    this.log.scrollTop = this.log.scrollHeight;
    this.pill.hidden = true;
  }

  /** Follow the newest messages again (the pill, or the person sent a message). */
  follow(): void {
    this.stick = true;
    this.scrollToBottom();
  }

  /** After new content: follow it if the person is at the bottom, else offer the pill. */
  private contentChanged(): void {
    if (this.stick) this.scrollToBottom();
    else if (this.log.scrollHeight > this.log.clientHeight) this.pill.hidden = false;
  }

  renderActivity(): void {
    const busy = readFlag(this.model, "busy");
    const text = this.hub.events.activity || (busy ? "Working…" : "");
    this.activityLine.textContent = text;
    this.activityLine.hidden = !busy || !text;
  }
}
