// The Markdown tree as DOM nodes: elements and text nodes only, links opening in a new tab,
// code blocks with their own copy button.
import { button, copyWithFeedback, h } from "../../shared/dom";
import { type MdNode, parseMarkdown } from "./parse";

/** A fenced code block with its own copy button. */
function codeBlock(code: string, language: string): HTMLElement {
  const codeEl = h("code", { text: code });
  if (language) codeEl.className = `language-${language}`;
  const copy = button("Copy", "Copy code", { class: "nemo-copy-code" });
  copy.addEventListener("click", () => copyWithFeedback(copy, code));
  return h("div", { class: "nemo-codeblock" }, [copy, h("pre", {}, [codeEl])]);
}

function toDom(node: MdNode): Node {
  if (node.type === "text") return document.createTextNode(node.text);
  if (node.type === "code") return codeBlock(node.code, node.language);
  const extra = node.tag === "a" ? { target: "_blank", rel: "noopener noreferrer" } : {};
  return h(node.tag, { ...node.attrs, ...extra }, node.children.map(toDom));
}

/** Markdown to a DocumentFragment, safely. */
export function renderMarkdown(text: string): DocumentFragment {
  const fragment = document.createDocumentFragment();
  fragment.append(...parseMarkdown(text).map(toDom));
  return fragment;
}
