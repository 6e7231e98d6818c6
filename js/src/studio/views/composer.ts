// The message box: Enter sends, Shift+Enter makes a new line, input methods keep their Enter;
// Stop during a turn, the queued count, and attaching by button or paste.
import { button, Disposer, h } from "../../shared/dom";
import type { AnyModel } from "../../shared/model";
import type { Hub } from "../hub/hub";
import { readFlag, readNumber } from "../traits";
import { icon } from "./icons";

const MEDIA_ACCEPT = "image/*,video/*,audio/*";
const MAX_INPUT_PX = 160;

export class Composer {
  readonly el: HTMLElement;
  private readonly fileInput = h("input", {
    type: "file",
    multiple: true,
    accept: MEDIA_ACCEPT,
    hidden: true,
    "data-testid": "nemo-file-input",
    "aria-label": "Choose files to attach",
  });
  private readonly attachButton = button("", "Attach photos, videos or music", {
    class: "nemo-icon-button",
    title: "Attach photos, videos or music",
  });
  private readonly input = h("textarea", {
    class: "nemo-input",
    rows: "1",
    placeholder: "Tell me what to make…",
    "aria-label": "Message",
    "data-testid": "nemo-input",
  });
  private readonly queuedLabel = h("span", {
    class: "nemo-queued",
    "aria-live": "polite",
    hidden: true,
  });
  private readonly stopButton = button("■ Stop", "Stop the current reply", {
    class: "nemo-button nemo-stop",
    "data-testid": "nemo-stop",
  });
  private readonly sendButton = button("Send", "Send message", {
    class: "nemo-button nemo-primary",
    "data-testid": "nemo-send",
  });
  // The stop button is inserted here only during a turn.
  private readonly actions = h("div", { class: "nemo-composer-actions" }, [
    this.queuedLabel,
    this.sendButton,
  ]);
  private composing = false;

  /** @param sent  called after a message went out (the chat follows it) */
  constructor(
    private readonly model: AnyModel,
    private readonly hub: Hub,
    cleanup: Disposer,
    private readonly sent: () => void,
  ) {
    this.attachButton.append(icon("paperclip"));
    this.el = h("div", { class: "nemo-composer" }, [
      this.attachButton,
      this.fileInput,
      this.input,
      this.actions,
    ]);
    cleanup.on(this.sendButton, "click", () => this.submit());
    cleanup.on(this.stopButton, "click", () => hub.send({ type: "stop" }));
    cleanup.on(this.input, "keydown", (event: KeyboardEvent) => this.onKeyDown(event));
    cleanup.on(this.input, "compositionstart", () => (this.composing = true));
    cleanup.on(this.input, "compositionend", () => {
      setTimeout(() => (this.composing = false), 0); // Safari sends Enter right after
    });
    cleanup.on(this.input, "input", () => this.autosize());
    cleanup.on(this.input, "paste", (event: ClipboardEvent) => this.onPaste(event));
    cleanup.on(this.attachButton, "click", () => this.fileInput.click());
    cleanup.on(this.fileInput, "change", () => {
      const files = [...(this.fileInput.files || [])];
      this.fileInput.value = ""; // choosing the same file again fires change again
      if (files.length) hub.uploads.add(files);
    });
  }

  /** Puts `text` in the message box (an example request), ready to edit or send. */
  fill(text: string): void {
    this.input.value = text;
    this.autosize();
    this.input.focus();
  }

  /** Off when the studio cannot be reached: nothing can be sent, the typed text stays. */
  setEnabled(enabled: boolean): void {
    for (const control of [this.input, this.sendButton, this.stopButton, this.attachButton]) {
      control.toggleAttribute("disabled", !enabled);
    }
    this.fileInput.toggleAttribute("disabled", !enabled);
  }

  render(): void {
    const busy = readFlag(this.model, "busy");
    if (busy && !this.stopButton.isConnected)
      this.actions.insertBefore(this.stopButton, this.sendButton);
    if (!busy && this.stopButton.isConnected) this.stopButton.remove();
    const queued = readNumber(this.model, "queued");
    this.queuedLabel.textContent = queued > 0 ? `${queued} queued` : "";
    this.queuedLabel.hidden = queued <= 0;
  }

  private submit(): void {
    const text = this.input.value.trim();
    if (!text) return;
    this.hub.send({ type: "send", text });
    this.input.value = "";
    this.autosize();
    this.sent();
  }

  private onKeyDown(event: KeyboardEvent): void {
    if (event.key !== "Enter" || event.shiftKey) return;
    // keyCode 229: the key belongs to an input method (Japanese, Chinese... composition)
    if (event.isComposing || this.composing || event.keyCode === 229) return;
    event.preventDefault();
    this.submit();
  }

  private autosize(): void {
    this.input.style.height = "auto";
    this.input.style.height = `${Math.min(this.input.scrollHeight, MAX_INPUT_PX)}px`;
  }

  private onPaste(event: ClipboardEvent): void {
    const data = event.clipboardData;
    if (!data) return;
    const files = [...(data.files || [])].filter((file) =>
      /^(image|video|audio)\//.test(file.type),
    );
    if (!files.length) return;
    if (!data.getData("text/plain")) event.preventDefault(); // else the file name is pasted too
    this.hub.uploads.add(files);
  }
}
