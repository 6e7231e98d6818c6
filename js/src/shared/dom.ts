// DOM helpers shared by both widgets. Text from the kernel only ever reaches the page through
// textContent, text nodes or attribute values, never as HTML.

/** Attribute values for `h`: null/undefined/false leave the attribute out, true sets it empty. */
export type Attrs = Record<string, string | number | boolean | null | undefined>;

/** Create an element. `class` sets className, `text` sets textContent. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs,
  children?: (Node | string)[],
): HTMLElementTagNameMap[K];
export function h(tag: string, attrs?: Attrs, children?: (Node | string)[]): HTMLElement;
export function h(tag: string, attrs: Attrs = {}, children: (Node | string)[] = []): HTMLElement {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value == null || value === false) continue;
    if (key === "class") node.className = String(value);
    else if (key === "text") node.textContent = String(value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  node.append(...children);
  return node;
}

/** A button with an accessible name (`text` may be empty for icon buttons). */
export function button(text: string, label: string, attrs: Attrs = {}): HTMLButtonElement {
  return h("button", { type: "button", "aria-label": label, text: text || null, ...attrs });
}

/** Listeners added through `on`, all removed by `dispose` (a view's cleanup in one call). */
export class Disposer {
  private readonly steps: (() => void)[] = [];

  on<E extends Event>(
    target: EventTarget,
    type: string,
    handler: (event: E) => void,
    options: AddEventListenerOptions = {},
  ): void {
    const listener = handler as EventListener;
    target.addEventListener(type, listener, options);
    this.add(() => target.removeEventListener(type, listener, options));
  }

  add(step: () => void): void {
    this.steps.push(step);
  }

  dispose(): void {
    for (const step of this.steps.splice(0).reverse()) step();
  }
}

// Lumino (JupyterLab 4, Notebook 7) fires no keyboard shortcut for events inside an element
// with this attribute; the `p-` spelling is Lumino 1's (JupyterLab 3).
export const SUPPRESS_SHORTCUTS: Attrs = {
  "data-lm-suppress-shortcuts": "true",
  "data-p-suppress-shortcuts": "true",
};

/** Whether keys typed at `target` are text for it (a text box, an editable element). */
export function isTextEntry(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement) return true;
  const notText = ["button", "checkbox", "file", "radio", "range", "submit"];
  return target instanceof HTMLInputElement && !notText.includes(target.type);
}

/** Copy text: the Clipboard API, else a hidden textarea and execCommand (iframes, http). */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // blocked by a permissions policy (Colab's output iframes): fall through
  }
  const area = h("textarea", { readonly: true, "aria-hidden": "true" });
  area.value = text;
  Object.assign(area.style, { position: "fixed", left: "-9999px", top: "0", opacity: "0" });
  document.body.append(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand("copy");
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}

/** Copy, then give the button short "Copied" feedback. */
export function copyWithFeedback(target: HTMLButtonElement, text: string): void {
  const idle = target.textContent;
  void copyText(text).then((ok) => {
    target.textContent = ok ? "Copied" : "Copy failed";
    target.classList.add("nemo-copied");
    setTimeout(() => {
      target.textContent = idle;
      target.classList.remove("nemo-copied");
    }, 1500);
  });
}
