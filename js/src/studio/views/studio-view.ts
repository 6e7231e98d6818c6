// One view of a studio: the root element holding the header, the chat (log, attachments,
// composer), the timeline and export panels; drops anywhere on it attach files; keys typed in
// it stay its own.
import { Disposer, h, isTextEntry, SUPPRESS_SHORTCUTS } from "../../shared/dom";
import { type AnyModel, ModelListeners } from "../../shared/model";
import type { Hub } from "../hub/hub";
import { Attachments } from "./attachments";
import { Banner, isDisconnected, watchKernel } from "./banner";
import { ChatLog } from "./chat";
import { Composer } from "./composer";
import { EmptyState, pageLanguage } from "./empty-state";
import { ExportPanel } from "./export-panel";
import { Header } from "./header";
import { PreviewPanel } from "./preview-panel";
import { TimelinePanel } from "./timeline-panel";

export class StudioView {
  private readonly root = h("div", { class: "nemo-studio", ...SUPPRESS_SHORTCUTS });
  private readonly cleanup = new Disposer();
  private readonly listeners: ModelListeners;
  private readonly header: Header;
  private readonly chat: ChatLog;
  private readonly attachments: Attachments;
  private readonly composer: Composer;
  private readonly timeline: TimelinePanel;
  private readonly exporter: ExportPanel;
  private readonly preview: PreviewPanel;
  private readonly empty: EmptyState;
  private readonly banner = new Banner();
  private dragDepth = 0;
  private closed = false;

  constructor(model: AnyModel, el: HTMLElement, hub: Hub) {
    const cleanup = this.cleanup;
    this.header = new Header(model, this.root);
    this.chat = new ChatLog(model, hub, cleanup);
    this.attachments = new Attachments(model, hub);
    this.composer = new Composer(model, hub, cleanup, () => this.chat.follow());
    // A clip chosen on the timeline: both videos show that moment.
    this.timeline = new TimelinePanel(model, cleanup, (seconds) => {
      this.preview.seek(seconds);
      this.exporter.seek(seconds);
    });
    this.exporter = new ExportPanel(model, hub, cleanup);
    this.preview = new PreviewPanel(model, hub, cleanup, (t) => this.timeline.setPlayhead(t));
    this.empty = new EmptyState(model, hub, cleanup, (text) => this.composer.fill(text));
    this.root.append(
      this.banner.el,
      this.header.el,
      h("div", { class: "nemo-body" }, [
        h("section", { class: "nemo-chat", "aria-label": "Chat" }, [
          this.empty.el,
          this.chat.logWrap,
          this.chat.activityLine,
          this.attachments.el,
          this.composer.el,
        ]),
        h("div", { class: "nemo-side" }, [this.preview.el, this.timeline.el, this.exporter.el]),
      ]),
      h("div", {
        class: "nemo-drop-overlay",
        "aria-hidden": "true",
        text: "Drop photos, videos or music to attach",
      }),
    );
    el.appendChild(this.root);

    // Keys typed into the studio are the person's, not the notebook's (Shift+Enter would run the
    // cell again and replace the studio). Lumino honours SUPPRESS_SHORTCUTS on the root; front
    // ends that listen while the event bubbles (Notebook 7, VS Code) are stopped here.
    for (const type of ["keydown", "keypress", "keyup"]) {
      cleanup.on(this.root, type, (event: KeyboardEvent) => {
        if (isTextEntry(event.target)) event.stopPropagation();
      });
    }
    // Drag and drop anywhere on the widget
    cleanup.on(this.root, "dragenter", (event: DragEvent) => this.onDrag(event, 1));
    cleanup.on(this.root, "dragover", (event: DragEvent) => this.onDrag(event, 0));
    cleanup.on(this.root, "dragleave", (event: DragEvent) => this.onDrag(event, -1));
    cleanup.on(this.root, "drop", (event: DragEvent) => this.onDrop(event, hub));

    const listeners = new ModelListeners(model);
    this.listeners = listeners;
    for (const name of ["backend", "credits", "session_id", "debug"]) {
      listeners.on(`change:${name}`, () => this.header.render());
    }
    listeners.on("change:messages", () => {
      this.chat.render();
      this.exporter.renderExport();
      this.empty.render();
    });
    listeners.on("change:resumable", () => this.empty.render());
    // A kernel restart or a closed comm: the widget manager marks the view disconnected.
    const checkLive = (): void => void setTimeout(() => this.renderConnection(false), 0);
    listeners.on("comm_live_update", checkLive);
    listeners.on("comm:close", () => this.renderConnection(true));
    cleanup.add(watchKernel(model.widget_manager, () => this.renderConnection(true)));
    const watcher = new MutationObserver(checkLive);
    watcher.observe(el, { attributes: true, attributeFilter: ["class"] });
    cleanup.add(() => watcher.disconnect());
    listeners.on("change:busy", () => this.renderComposer());
    listeners.on("change:queued", () => this.renderComposer());
    listeners.on("change:attachments", () => this.attachments.render());
    listeners.on("change:timeline", () => {
      this.timeline.render();
      this.exporter.renderExport();
      this.preview.render(); // its poster is the draft's first picture
    });
    listeners.on("change:preview", () => this.preview.render());
    listeners.on("change:export", () => this.exporter.renderExport());
    listeners.on("change:video", () => this.exporter.renderVideo());
    cleanup.add(
      hub.changes.subscribe((change) => {
        if (change.topic === "delta") this.chat.scheduleItem(change.id);
        else if (change.topic === "activity") this.chat.renderActivity();
        else if (change.topic === "uploads") this.attachments.render();
      }),
    );

    this.header.render();
    this.chat.render();
    this.empty.render();
    this.renderComposer();
    this.attachments.render();
    this.timeline.render();
    this.exporter.renderExport();
    this.exporter.renderVideo();
    this.preview.render();
    this.chat.renderActivity();
  }

  private renderConnection(closed: boolean): void {
    const lost = closed || this.closed || isDisconnected(this.root);
    this.closed = closed || this.closed;
    this.root.classList.toggle("nemo-lost", lost);
    this.composer.setEnabled(!lost);
    for (const control of this.root.querySelectorAll<HTMLButtonElement>(
      ".nemo-side button, .nemo-welcome button, .nemo-attachments button",
    )) {
      if (lost) control.setAttribute("disabled", "");
    }
    if (!lost) {
      this.banner.hide();
      this.exporter.renderExport();
      return;
    }
    this.banner.show(
      pageLanguage() === "zh"
        ? "与内核的连接已断开（内核重启或小部件已关闭）。请重新运行此单元格以继续；你输入的文字保留在下面。"
        : "This studio lost its kernel (restarted, or the widget was closed). " +
            "Run the cell again to continue; what you typed is kept below.",
    );
  }

  private renderComposer(): void {
    this.composer.render();
    this.chat.renderActivity();
  }

  private onDrag(event: DragEvent, step: number): void {
    if (![...(event.dataTransfer?.types || [])].includes("Files")) return;
    event.preventDefault();
    if (step === 0 && event.dataTransfer) event.dataTransfer.dropEffect = "copy";
    this.dragDepth = Math.max(0, this.dragDepth + step);
    this.root.classList.toggle("nemo-dropping", this.dragDepth > 0 || step === 0);
  }

  private onDrop(event: DragEvent, hub: Hub): void {
    const files = [...(event.dataTransfer?.files || [])];
    this.dragDepth = 0;
    this.root.classList.remove("nemo-dropping");
    if (!files.length) return;
    event.preventDefault();
    event.stopPropagation(); // JupyterLab would otherwise handle the drop too
    hub.uploads.add(files);
  }

  dispose(): void {
    this.listeners.dispose();
    this.cleanup.dispose();
    this.attachments.dispose();
    this.root.remove();
  }
}
