// The first minute: what the studio can do, three example requests to start from (in the
// notebook's language), and "Continue your last session" when the kernel offers one.
import { button, Disposer, h } from "../../shared/dom";
import type { AnyModel } from "../../shared/model";
import type { Hub } from "../hub/hub";
import { readMessages, readResumable } from "../traits";

interface Words {
  title: string;
  intro: string;
  examples: string[];
  resume: string;
}

const ENGLISH: Words = {
  title: "Turn photos into a video by chatting",
  intro:
    "Attach photos, clips or music (📎 or drop them here), then say what to make. " +
    "I build the timeline, you change it in words, and Export renders the MP4.",
  examples: [
    "Turn these photos into a 15-second video with smooth transitions",
    "Make a 9:16 vertical video, 2 seconds per photo, with a title at the start",
    "Add background music and fade out at the end",
  ],
  resume: "Continue your last session",
};

const CHINESE: Words = {
  title: "用聊天把照片变成视频",
  intro:
    "添加照片、视频片段或音乐（📎 或拖到这里），然后说出想要的效果。我来编排时间线，你用文字修改，导出即得到 MP4。",
  examples: [
    "把这些照片做成一个 15 秒的视频，转场要平滑",
    "做一个 9:16 竖屏视频，每张照片 2 秒，开头加标题",
    "加上背景音乐，结尾淡出",
  ],
  resume: "继续上次的会话",
};

/** Chinese when the notebook page or the browser is in Chinese, else English. */
export function pageLanguage(): "zh" | "en" {
  const tags = [document.documentElement.lang, navigator.language];
  return tags.some((tag) => (tag || "").toLowerCase().startsWith("zh")) ? "zh" : "en";
}

export function wordsFor(language: "zh" | "en"): Words {
  return language === "zh" ? CHINESE : ENGLISH;
}

export class EmptyState {
  readonly el: HTMLElement;
  private readonly resume: HTMLButtonElement;

  /** @param pick  puts an example request into the message box */
  constructor(
    private readonly model: AnyModel,
    hub: Hub,
    cleanup: Disposer,
    pick: (text: string) => void,
  ) {
    const words = wordsFor(pageLanguage());
    this.resume = button(words.resume, words.resume, {
      class: "nemo-button nemo-resume",
      "data-testid": "nemo-resume",
      hidden: true,
    });
    const examples = words.examples.map((text) => {
      const example = button(text, text, { class: "nemo-example", "data-testid": "nemo-example" });
      cleanup.on(example, "click", () => pick(text));
      return example;
    });
    this.el = h("div", { class: "nemo-welcome", "data-testid": "nemo-empty" }, [
      h("div", { class: "nemo-welcome-title", text: words.title }),
      h("p", { class: "nemo-welcome-intro", text: words.intro }),
      h("div", { class: "nemo-examples" }, examples),
      this.resume,
    ]);
    cleanup.on(this.resume, "click", () => {
      const offered = readResumable(this.model);
      if (offered) hub.send({ type: "resume", session_id: offered.sessionId });
    });
  }

  render(): void {
    this.el.hidden = readMessages(this.model).length > 0;
    const offered = readResumable(this.model);
    this.resume.hidden = !offered;
    if (offered?.title) this.resume.title = `“${offered.title}”`;
  }
}
