// A question the assistant asks with options to pick; the answer goes back as `answer`.
import { button, h } from "../../shared/dom";
import type { AnswerMessage } from "../protocol";
import type { ChatItem, Question } from "../traits";

export interface QuestionState {
  /** question item id -> chosen labels per question (kept across redraws) */
  answers: Map<string, Set<string>[]>;
  /** question items answered from this view, awaiting the trait */
  sent: Set<string>;
  send(message: AnswerMessage): void;
}

export function buildQuestion(
  item: ChatItem & { question: Question },
  state: QuestionState,
): HTMLElement {
  const id = item.id;
  const question = item.question;
  const list = question.questions;
  let found = state.answers.get(id);
  if (!found || found.length !== list.length) {
    found = list.map(() => new Set<string>());
    state.answers.set(id, found);
  }
  const chosen = found;
  const done = item.answered || state.sent.has(id);
  const box = h("div", { class: "nemo-question" });
  if (question.title) box.append(h("div", { class: "nemo-question-title", text: question.title }));
  const sendAnswer = button(item.answered ? "Answered" : "Send answer", "Send answer", {
    class: "nemo-button nemo-primary",
    disabled: done,
  });
  list.forEach((entry, index) => {
    const picks = chosen[index] as Set<string>;
    const multiple = entry.allowMultiple;
    const options = h("div", {
      class: "nemo-options",
      role: multiple ? "group" : "radiogroup",
      "aria-label": entry.prompt ?? "Options",
    });
    for (const { label } of entry.options) {
      const choice = button(label, label, {
        class: `nemo-option ${multiple ? "nemo-option-multi" : "nemo-option-single"}`,
        role: multiple ? "checkbox" : "radio",
        "aria-checked": picks.has(label) ? "true" : "false",
        disabled: done,
      });
      choice.addEventListener("click", () => {
        if (multiple) {
          if (picks.has(label)) picks.delete(label);
          else picks.add(label);
        } else {
          const was = picks.has(label);
          picks.clear();
          if (!was) picks.add(label);
        }
        for (const other of options.querySelectorAll(".nemo-option")) {
          const otherLabel = other.getAttribute("aria-label") ?? "";
          other.setAttribute("aria-checked", picks.has(otherLabel) ? "true" : "false");
        }
      });
      options.append(choice);
    }
    box.append(
      h("div", { class: "nemo-question-item" }, [
        h("div", { class: "nemo-question-prompt", text: entry.prompt ?? "" }),
        options,
      ]),
    );
  });
  sendAnswer.addEventListener("click", () => {
    const choices = chosen.map((picks) => [...picks]);
    state.sent.add(id);
    for (const other of box.querySelectorAll("button")) other.setAttribute("disabled", "");
    state.send({ type: "answer", item_id: id, choices });
  });
  box.append(h("div", { class: "nemo-question-actions" }, [sendAnswer]));
  return box;
}
