// The header: the studio's name, the backend and credits badges, the session (debug only).
import { h } from "../../shared/dom";
import type { AnyModel } from "../../shared/model";
import { readFlag, readText } from "../traits";

export class Header {
  readonly el: HTMLElement;
  private readonly backend = h("span", { class: "nemo-badge", "data-testid": "nemo-backend" });
  private readonly credits = h("span", { class: "nemo-badge", "data-testid": "nemo-credits" });
  private readonly session = h("span", { class: "nemo-session", hidden: true });

  constructor(
    private readonly model: AnyModel,
    private readonly root: HTMLElement,
  ) {
    this.el = h("div", { class: "nemo-header" }, [
      h("span", { class: "nemo-title", text: "NemoStudio" }),
      this.backend,
      this.credits,
      this.session,
    ]);
  }

  render(): void {
    const backend = readText(this.model, "backend");
    this.backend.textContent = backend;
    this.backend.hidden = !backend;
    const credits = readText(this.model, "credits");
    this.credits.textContent = credits;
    this.credits.hidden = !credits;
    const session = readText(this.model, "session_id");
    const debug = readFlag(this.model, "debug");
    this.session.textContent = session ? `session ${session}` : "";
    this.session.hidden = !(debug && session);
    this.root.classList.toggle("nemo-debug", debug);
  }
}
