// The attachment chips: files the kernel lists, then local uploads it does not list yet, each
// with a thumbnail (local images) or a file-type icon, progress, and cancel or remove.
import { button, h } from "../../shared/dom";
import { formatBytes } from "../../shared/format";
import type { AnyModel } from "../../shared/model";
import type { Hub } from "../hub/hub";
import type { UploadJob } from "../hub/uploads";
import { readAttachments } from "../traits";
import { fileIcon } from "./icons";

interface ChipRow {
  id: string;
  name: string;
  size: number;
  state: "uploading" | "done" | "error";
  progress: number;
  error: string | null;
  job: UploadJob | null;
  /** an upload the kernel does not list (yet) */
  local: boolean;
  thumb: string | null;
}

const COLLAPSE_OVER = 6; // more chips than this: the strip shows one row until opened

export class Attachments {
  private readonly list = h("div", { class: "nemo-chips" });
  private readonly summary = h("span", { class: "nemo-attachments-summary" });
  private readonly toggle = button("Show all", "Show all attachments", {
    class: "nemo-link-button",
    "data-testid": "nemo-attachments-toggle",
    "aria-expanded": "false",
  });
  private readonly clear = button("Clear all", "Remove every attachment from this list", {
    class: "nemo-link-button",
    "data-testid": "nemo-clear-attachments",
    title: "Remove every attachment from this list (finished files stay in the project)",
  });
  readonly el = h("div", { class: "nemo-attachments", "aria-label": "Attachments" }, [
    h("div", { class: "nemo-attachments-head" }, [this.summary, this.toggle, this.clear]),
    this.list,
  ]);
  private expanded = false;
  private readonly chips = new Map<string, { node: HTMLElement; sig: string }>();
  /** upload id -> object URL of the local file (thumbnail) */
  private readonly thumbs = new Map<string, string>();

  constructor(
    private readonly model: AnyModel,
    private readonly hub: Hub,
  ) {
    this.toggle.addEventListener("click", () => {
      this.expanded = !this.expanded;
      this.render();
    });
    this.clear.addEventListener("click", () => {
      for (const row of this.rows()) this.removeRow(row);
    });
  }

  private removeRow(row: ChipRow): void {
    if (row.local && row.state === "error") this.hub.uploads.dismiss(row.id);
    else this.hub.uploads.cancel(row.id);
  }

  /** Kernel-listed attachments first, then local uploads the kernel does not list yet. */
  private rows(): ChipRow[] {
    const rows: ChipRow[] = [];
    const seen = new Set<string>();
    const uploads = this.hub.uploads;
    for (const entry of readAttachments(this.model)) {
      seen.add(entry.id);
      const job = uploads.find(entry.id);
      rows.push({
        id: entry.id,
        name: entry.name ?? job?.name ?? "",
        size: Number(entry.size ?? job?.size ?? 0),
        state: entry.state,
        progress: entry.progress,
        error: entry.error,
        job,
        local: false,
        thumb: entry.thumb ?? null,
      });
    }
    for (const job of uploads.jobs) {
      if (seen.has(job.id) || job.seenInTrait) continue;
      const progress = job.size ? Math.min(job.received, job.size) / job.size : 0;
      rows.push({
        id: job.id,
        name: job.name,
        size: job.size,
        state: job.state === "error" ? "error" : "uploading",
        progress: job.state === "sent" ? 1 : progress,
        error: job.error,
        job,
        local: true,
        thumb: null,
      });
    }
    return rows;
  }

  render(): void {
    const rows = this.rows();
    const seen = new Set<string>();
    let expected = this.list.firstChild;
    for (const row of rows) {
      seen.add(row.id);
      const sig = JSON.stringify([
        row.name,
        row.size,
        row.state,
        row.progress,
        row.error,
        row.thumb,
      ]);
      let record = this.chips.get(row.id);
      if (!record) {
        record = {
          node: h("div", { class: "nemo-chip", "data-testid": "nemo-attachment" }),
          sig: "",
        };
        this.chips.set(row.id, record);
      }
      if (record.sig !== sig) {
        record.sig = sig;
        this.fillChip(record.node, row);
      }
      if (record.node !== expected) this.list.insertBefore(record.node, expected);
      else expected = expected.nextSibling;
    }
    for (const [id, record] of [...this.chips]) {
      if (seen.has(id)) continue;
      record.node.remove();
      this.chips.delete(id);
      const url = this.thumbs.get(id);
      if (url) URL.revokeObjectURL(url);
      this.thumbs.delete(id);
    }
    this.el.hidden = rows.length === 0;
    const many = rows.length > COLLAPSE_OVER;
    const done = rows.filter((row) => row.state === "done").length;
    this.summary.textContent =
      `${rows.length} file${rows.length === 1 ? "" : "s"}` +
      (done < rows.length ? ` · ${done} ready` : "");
    this.toggle.hidden = !many;
    this.toggle.textContent = this.expanded ? "Show less" : "Show all";
    this.toggle.setAttribute("aria-expanded", String(this.expanded));
    this.list.classList.toggle("nemo-collapsed", many && !this.expanded);
  }

  private fillChip(node: HTMLElement, row: ChipRow): void {
    node.dataset.state = row.state;
    node.dataset.id = row.id;
    node.className = `nemo-chip nemo-chip-${row.state}`;
    const file = row.job?.file;
    const iconThumb = () =>
      h("span", { class: "nemo-chip-thumb nemo-chip-icon" }, [
        fileIcon(row.name, file?.type ?? ""),
      ]);
    let thumb: HTMLElement = iconThumb();
    if (file && file.type.startsWith("image/")) {
      let url = this.thumbs.get(row.id);
      if (!url) {
        url = URL.createObjectURL(file);
        this.thumbs.set(row.id, url);
      }
      const img = h("img", { class: "nemo-chip-thumb", src: url, alt: "" });
      // Formats the browser cannot draw (HEIC in Chrome, say) keep the file-type icon.
      img.addEventListener("error", () => img.replaceWith(iconThumb()));
      thumb = img;
    } else if (row.thumb) {
      // No local file (a reloaded page, a Python upload): the kernel's thumbnail.
      const img = h("img", { class: "nemo-chip-thumb", src: row.thumb, alt: "" });
      img.addEventListener("error", () => img.replaceWith(iconThumb()));
      thumb = img;
    }
    const percent = Math.round(Math.max(0, Math.min(1, row.progress)) * 100);
    const parts: HTMLElement[] = [
      thumb,
      h("span", { class: "nemo-chip-text" }, [
        h("span", { class: "nemo-chip-name", text: row.name, title: row.name }),
        h("span", { class: "nemo-chip-size", text: formatBytes(row.size) }),
      ]),
    ];
    if (row.state === "uploading") {
      parts.push(
        h(
          "span",
          {
            class: "nemo-chip-bar",
            role: "progressbar",
            "aria-valuemin": "0",
            "aria-valuemax": "100",
            "aria-valuenow": String(percent),
            "aria-label": `Uploading ${row.name}`,
          },
          [h("span", { class: "nemo-chip-fill", style: `width: ${percent}%` })],
        ),
      );
    }
    {
      const uploading = row.state === "uploading";
      const title = uploading
        ? "Cancel upload"
        : row.state === "done"
          ? "Remove from this list (the file stays in the project; say so to take it out)"
          : "Remove";
      const cancel = button("✕", `${uploading ? "Cancel" : "Remove"} ${row.name}`, {
        class: "nemo-chip-cancel",
        "data-testid": "nemo-attachment-remove",
        title,
      });
      cancel.addEventListener("click", () => this.removeRow(row));
      parts.push(cancel);
    }
    if (row.state === "error" && row.error) {
      parts.push(h("span", { class: "nemo-chip-message", text: row.error }));
    }
    node.replaceChildren(...parts);
  }

  dispose(): void {
    for (const url of this.thumbs.values()) URL.revokeObjectURL(url);
    this.thumbs.clear();
  }
}
