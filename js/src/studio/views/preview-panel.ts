// The live preview: the local engine's small render of the current draft (the `preview`
// trait), played as soon as it is ready, with a poster of the draft while it renders. It is
// marked as a preview; Export stays the way to the full-quality file (export-panel.ts).
import { Disposer, h } from "../../shared/dom";
import { type AnyModel, asRecord } from "../../shared/model";
import { VideoSource } from "../../shared/video/source";
import type { Hub } from "../hub/hub";
import { readTimeline, type TimelineLayout } from "../timeline/layout";
import { pageLanguage } from "./empty-state";

export type PreviewState = "none" | "rendering" | "ready" | "failed";

/** The `preview` trait, checked: `{}` (no preview) or the state and, when ready, the file. */
export interface PreviewTrait {
  state: PreviewState;
  token: number | null;
  url: string | null;
  name: string;
  size: number;
  error: string | null;
}

export function readPreviewTrait(raw: unknown): PreviewTrait {
  const preview = asRecord(raw) ?? {};
  const state = preview.state;
  const token = typeof preview.token === "number" ? preview.token : null;
  return {
    state:
      state === "rendering" || state === "failed" || (state === "ready" && token !== null)
        ? state
        : "none",
    token,
    url: typeof preview.url === "string" ? preview.url : null,
    name: preview.name ? String(preview.name) : "",
    size: Number(preview.size) || 0,
    error: preview.error ? String(preview.error) : null,
  };
}

/** The picture to show while the preview renders: the first picture of the draft, or null. */
export function posterOf(layout: TimelineLayout): string | null {
  let first: { start: number; thumb: string } | null = null;
  for (const track of layout.tracks) {
    for (const seg of track.segments) {
      if (seg.kind === "video" && seg.thumb && (!first || seg.start < first.start)) {
        first = { start: seg.start, thumb: seg.thumb };
      }
    }
  }
  return first?.thumb ?? null;
}

/** The panel's words, in the page's language (as the empty state's). */
export const WORDS = {
  en: {
    title: "Preview",
    badge: "Low resolution",
    badgeTip: "A quick, small render of the current draft. Export makes the full video.",
    label: "Preview of the current draft",
    rendering: "Rendering the preview…",
    failed: (why: string) =>
      `The preview could not be made${why ? `: ${why}.` : "."} Export still makes the full video.`,
    loading: (percent: number) => `Loading the preview… ${percent}%`,
    unplayable: "This preview cannot be played here. Export makes the video.",
  },
  zh: {
    title: "预览",
    badge: "低分辨率",
    badgeTip: "当前草稿的快速小尺寸渲染。导出会生成完整视频。",
    label: "当前草稿的预览",
    rendering: "正在生成预览…",
    failed: (why: string) => `无法生成预览${why ? `：${why}。` : "。"}导出仍会生成完整视频。`,
    loading: (percent: number) => `正在加载预览… ${percent}%`,
    unplayable: "此浏览器无法在这里播放预览。导出会生成视频。",
  },
};
type Words = (typeof WORDS)["en"];

/** What the line under the preview says. */
export function previewNote(trait: PreviewTrait, words: Words = WORDS.en): string {
  if (trait.state === "rendering") return words.rendering;
  if (trait.state === "failed") return words.failed((trait.error ?? "").replace(/[.。\s]+$/, ""));
  return "";
}

/** A person who asked for less motion starts the preview with a click. */
function mayAutoplay(): boolean {
  return !globalThis.matchMedia?.("(prefers-reduced-motion: reduce)").matches;
}

export class PreviewPanel {
  readonly el: HTMLElement;
  private readonly box = h("div", { class: "nemo-preview-box" });
  private readonly note = h("div", {
    class: "nemo-preview-note",
    role: "status",
    "data-testid": "nemo-preview-status",
  });
  private source: VideoSource | null = null;
  /** the file shown (null: the poster or nothing) */
  private token: number | null = null;
  private state: PreviewState = "none";
  /** a preview the model held when this view was made is not played by itself (a reload) */
  private readonly heldAtStart: number | null;
  private frame = 0;
  private readonly words: Words = WORDS[pageLanguage()];

  /** @param onTime  the preview is at `seconds` (null: no preview playing) */
  constructor(
    private readonly model: AnyModel,
    private readonly hub: Hub,
    cleanup: Disposer,
    private readonly onTime: (seconds: number | null) => void,
  ) {
    this.heldAtStart = readPreviewTrait(model.get("preview")).token;
    this.el = h(
      "section",
      { class: "nemo-panel nemo-preview", "aria-label": this.words.title, hidden: true },
      [
        h("div", { class: "nemo-panel-head" }, [
          h("span", { class: "nemo-panel-title", text: this.words.title }),
          h("span", {
            class: "nemo-preview-badge",
            text: this.words.badge,
            title: this.words.badgeTip,
          }),
        ]),
        this.box,
        this.note,
      ],
    );
    cleanup.add(
      hub.changes.subscribe((change) => {
        if (change.topic === "preview") this.source?.update();
      }),
    );
    cleanup.add(() => this.teardown());
  }

  render(): void {
    const trait = readPreviewTrait(this.model.get("preview"));
    this.el.hidden = trait.state === "none";
    this.note.textContent = previewNote(trait, this.words);
    this.note.hidden = !this.note.textContent;
    this.el.dataset.state = trait.state;
    if (trait.state === "none") this.teardown();
    else if (trait.state === "ready" && trait.token !== null) {
      if (trait.token !== this.token) this.play(trait, trait.token);
    } else if (trait.state === "rendering" || this.token === null) {
      this.showPoster(trait.state);
    }
    this.state = trait.state;
  }

  /** Seek the preview to `seconds` (a clip chosen on the timeline), if one is shown. */
  seek(seconds: number): void {
    const element = this.source?.element;
    if (!element || this.state !== "ready") return;
    const end = Number.isFinite(element.duration) ? element.duration : seconds;
    element.currentTime = Math.max(0, Math.min(seconds, end));
    this.onTime(element.currentTime);
  }

  /** While the new preview renders: the draft's first picture, and no outdated video. */
  private showPoster(state: PreviewState): void {
    this.teardown();
    const poster = posterOf(readTimeline(this.model.get("timeline")));
    const element = h("video", {
      class: "nemo-preview-poster",
      muted: true,
      "data-testid": "nemo-preview",
      "data-state": state,
      "aria-label": this.words.label,
    });
    if (poster) element.poster = poster;
    this.box.replaceChildren(element);
  }

  private play(trait: PreviewTrait, token: number): void {
    this.teardown();
    this.token = token;
    const source = new VideoSource(
      this.box,
      { token, url: trait.url, name: trait.name, size: trait.size },
      {
        receiver: this.hub.preview,
        attrs: {
          preload: "auto",
          "data-testid": "nemo-preview",
          "data-state": "ready",
          "aria-label": this.words.label,
        },
        hideUntilPlayable: false,
        onLink: () => undefined,
        onStatus: (status) => {
          if (status.kind === "loading") {
            this.note.textContent = this.words.loading(status.percent);
          } else if (status.kind === "failed" || status.kind === "unplayable") {
            this.note.textContent = this.words.unplayable;
          } else this.note.textContent = "";
          this.note.hidden = !this.note.textContent;
        },
        onMetadata: (element) => {
          if (token !== this.heldAtStart && mayAutoplay()) autoplay(element);
        },
      },
    );
    this.source = source;
    const element = source.element;
    const follow = (): void => {
      this.onTime(element.currentTime);
      if (!element.paused && !element.ended) this.frame = requestAnimationFrame(follow);
    };
    element.addEventListener("play", () => {
      cancelAnimationFrame(this.frame);
      this.frame = requestAnimationFrame(follow);
    });
    element.addEventListener("seeked", () => this.onTime(element.currentTime));
    element.addEventListener("pause", () => this.onTime(element.currentTime));
  }

  private teardown(): void {
    cancelAnimationFrame(this.frame);
    this.source?.dispose();
    this.source = null;
    this.token = null;
    this.box.replaceChildren();
    this.onTime(null);
  }
}

/** Play at once; a browser that allows no sound before a click plays it muted instead. */
function autoplay(element: HTMLVideoElement): void {
  element.play().catch(() => {
    element.muted = true;
    element.play().catch(() => undefined); // the controls still play it
  });
}
