// NemoStudio front end: one self-contained ES module (no imports), see docs/widget-protocol.md.
//
// `initialize` runs once per model and owns the transport (a Hub): uploads, streamed text,
// video chunks and the poll fallback. `render` runs once per view and owns the DOM; every view
// of a model reads the same Hub, so several output areas showing one widget stay in step.
//
// Safety rule for the whole file: text from the kernel is only ever put in the page through
// textContent, createTextNode or attribute values, never through innerHTML.

const MIB = 1024 * 1024;
const DEFAULT_CHUNK_SIZE = MIB;
const DEFAULT_WINDOW = 8;
const POLL_SILENCE_MS = 1000; // poll when nothing arrived for this long during a turn/export
const GAP_WAIT_MS = 1500; // how long missing `events` messages are waited for
const TICK_MS = 250;
const VIDEO_METADATA_TIMEOUT_MS = 4000;
const UPLOAD_STALL_MS = 60000; // no ack for this long: the kernel is gone or stuck
const NEAR_BOTTOM_PX = 40;
const MEDIA_ACCEPT = "image/*,video/*,audio/*";
const LOST_KERNEL =
  "Lost the connection to the notebook kernel. Run the cell again, then attach the file again.";

/** Traits whose values are objects: they identify a model across anywidget's proxies. */
const IDENTITY_TRAITS = ["messages", "attachments", "timeline", "export", "video"];
/** Every trait; a change to any of them counts as "something arrived" for the poll fallback. */
const TRAITS = [
  "backend",
  "session_id",
  "messages",
  "busy",
  "queued",
  "attachments",
  "timeline",
  "credits",
  "export",
  "video",
  "upload_chunk_size",
  "upload_window",
  "max_upload_bytes",
  "debug",
];

/**
 * @typedef {object} AnyModel
 * @property {(name: string) => any} get
 * @property {(name: string, value: any) => void} set
 * @property {() => void} save_changes
 * @property {(content: any, callbacks?: any, buffers?: ArrayBuffer[]) => void} send
 * @property {(name: string, callback: Function) => void} on
 * @property {(name?: string | null, callback?: Function | null) => void} off
 *
 * @typedef {object} UploadJob
 * @property {string} id
 * @property {File} file
 * @property {string} name
 * @property {number} size
 * @property {string} mime
 * @property {"queued" | "uploading" | "sent" | "error"} state
 * @property {number} nextSeq
 * @property {number} nextOffset
 * @property {Set<number>} inflight  seqs sent and not yet acknowledged
 * @property {number} received  bytes the kernel reported
 * @property {number} lastHeard  when the kernel last acknowledged (ms since epoch)
 * @property {string | null} error
 * @property {boolean} begun
 * @property {boolean} seenInTrait
 */

// ----------------------------------------------------------------------------- small helpers

/** @param {number} bytes */
function formatBytes(bytes) {
  if (!Number.isFinite(bytes) || bytes < 0) return "";
  if (bytes < 1000) return `${bytes} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = "B";
  for (const next of units) {
    if (value < 1000) break;
    value /= 1000;
    unit = next;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${unit}`;
}

/** Seconds as "4.5 s" (or "1:05" from a minute on). @param {number} seconds */
function formatSeconds(seconds) {
  const s = Number(seconds) || 0;
  if (s >= 60) {
    const whole = Math.round(s);
    return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
  }
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

/** A normalised view of a buffer that came as DataView (Jupyter) or Uint8Array (Colab). */
function toBytes(/** @type {any} */ buffer) {
  if (buffer instanceof ArrayBuffer) return new Uint8Array(buffer);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** An absolute http(s) URL, or null for anything else (javascript:, data:, relative...). */
function httpUrl(/** @type {unknown} */ raw) {
  if (typeof raw !== "string") return null;
  try {
    const url = new URL(raw.trim());
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

/** A URL fit for `<video src>`/`<a href>`: http(s), or a same-origin relative path. */
function mediaUrl(/** @type {unknown} */ raw) {
  if (typeof raw !== "string" || !raw.trim()) return null;
  if (httpUrl(raw)) return httpUrl(raw);
  return /^[a-z][a-z0-9+.-]*:/i.test(raw.trim()) || raw.trim().startsWith("//") ? null : raw;
}

let idCounter = 0;
function newUploadId() {
  idCounter += 1;
  const random = Math.random().toString(36).slice(2, 8);
  return `up-${Date.now().toString(36)}-${idCounter}-${random}`;
}

/**
 * Create an element. Attributes with null/false are skipped; `text` sets textContent.
 * @param {string} tag
 * @param {Record<string, any>} [attrs]
 * @param {(Node | string)[]} [children]
 */
function h(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value == null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = String(value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  node.append(...children);
  return node;
}

// Lumino (JupyterLab 4, Notebook 7) fires no keyboard shortcut for events inside an element
// with this attribute; the `p-` spelling is Lumino 1's (JupyterLab 3).
const SUPPRESS_SHORTCUTS = {
  "data-lm-suppress-shortcuts": "true",
  "data-p-suppress-shortcuts": "true",
};

/** Whether keys typed at `target` are text for it (a text box, an editable element). */
function isTextEntry(/** @type {EventTarget | null} */ target) {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement) return true;
  const notText = ["button", "checkbox", "file", "radio", "range", "submit"];
  return target instanceof HTMLInputElement && !notText.includes(target.type);
}

/**
 * A button with an accessible name (`label` may be empty for icon buttons).
 * @param {string} text @param {string} label @param {Record<string, any>} [attrs]
 */
function button(text, label, attrs = {}) {
  return h("button", { type: "button", "aria-label": label, text: text || null, ...attrs });
}

/** Copy text: the Clipboard API, else a hidden textarea and execCommand (iframes, http). */
async function copyText(/** @type {string} */ text) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // blocked by a permissions policy (Colab's output iframes): fall through
  }
  const area = /** @type {HTMLTextAreaElement} */ (
    h("textarea", { readonly: true, "aria-hidden": "true" })
  );
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

/** Give a copy button short "Copied" feedback. */
function copyWithFeedback(/** @type {HTMLButtonElement} */ button, /** @type {string} */ text) {
  const idle = button.textContent;
  copyText(text).then((ok) => {
    button.textContent = ok ? "Copied" : "Copy failed";
    button.classList.add("nemo-copied");
    setTimeout(() => {
      button.textContent = idle;
      button.classList.remove("nemo-copied");
    }, 1500);
  });
}

// ----------------------------------------------------------------------------- markdown

/** Inline rules, tried from the current position; the earliest match wins (ties: list order). */
const INLINE_RULES = [
  { name: "escape", re: /\\([\\`*_{}[\]()#+\-.!>~|])/g },
  { name: "code", re: /(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/g },
  { name: "link", re: /\[([^\]\n]+)\]\(\s*<?([^\s<>()]+)>?(?:\s+"[^"\n]*")?\s*\)/g },
  { name: "strong", re: /\*\*(?=\S)([\s\S]*?\S)\*\*|__(?=\S)([\s\S]*?\S)__(?!\w)/g },
  { name: "em", re: /\*(?=[^\s*])([^*\n]*?[^\s*])\*|_(?=[^\s_])([^_\n]*?[^\s_])_(?!\w)/g },
  { name: "url", re: /https?:\/\/[^\s<>"'`]*[^\s<>"'`.,;:!?)\]*_]/g },
];

/**
 * The first match of `rule` at or after `from`, skipping matches that are not allowed there
 * (`_emphasis_` and `__strong__` must not start inside a word, as in snake_case).
 * @param {{re: RegExp}} rule @param {string} text @param {number} from
 */
function findInline(rule, text, from) {
  rule.re.lastIndex = from;
  for (;;) {
    const match = rule.re.exec(text);
    if (!match) return null;
    const startsWithUnderscore = match[0][0] === "_";
    if (startsWithUnderscore && match.index > 0 && /\w/.test(text[match.index - 1])) {
      rule.re.lastIndex = match.index + 1;
      continue;
    }
    return match;
  }
}

/**
 * Append inline markdown of `text` to `parent` as DOM nodes.
 * @param {Node} parent @param {string} text @param {boolean} [inLink]
 */
function renderInline(parent, text, inLink = false) {
  /** @type {(RegExpExecArray | null | undefined)[]} */
  const cache = [];
  let pos = 0;
  while (pos < text.length) {
    let best = -1;
    for (let i = 0; i < INLINE_RULES.length; i++) {
      if (inLink && (INLINE_RULES[i].name === "link" || INLINE_RULES[i].name === "url")) continue;
      let match = cache[i];
      if (match === undefined || (match && match.index < pos)) {
        match = findInline(INLINE_RULES[i], text, pos);
        cache[i] = match;
      }
      if (match && (best < 0 || match.index < /** @type {any} */ (cache[best]).index)) best = i;
    }
    if (best < 0) break;
    const match = /** @type {RegExpExecArray} */ (cache[best]);
    if (match.index > pos)
      parent.appendChild(document.createTextNode(text.slice(pos, match.index)));
    buildInline(parent, INLINE_RULES[best].name, match, inLink);
    pos = match.index + match[0].length;
  }
  if (pos < text.length) parent.appendChild(document.createTextNode(text.slice(pos)));
}

/**
 * @param {Node} parent @param {string} name @param {RegExpExecArray} match
 * @param {boolean} inLink
 */
function buildInline(parent, name, match, inLink) {
  if (name === "escape") {
    parent.appendChild(document.createTextNode(match[1]));
  } else if (name === "code") {
    const body = match[2];
    const trimmed = /^ .* $/.test(body) && body.trim() ? body.slice(1, -1) : body;
    parent.appendChild(h("code", { text: trimmed }));
  } else if (name === "link") {
    const href = httpUrl(match[2]);
    if (!href) {
      parent.appendChild(document.createTextNode(match[0])); // shown as typed, not a link
      return;
    }
    const anchor = h("a", { href, target: "_blank", rel: "noopener noreferrer" });
    renderInline(anchor, match[1], true);
    parent.appendChild(anchor);
  } else if (name === "url") {
    const href = httpUrl(match[0]);
    parent.appendChild(
      href
        ? h("a", { href, target: "_blank", rel: "noopener noreferrer", text: match[0] })
        : document.createTextNode(match[0]),
    );
  } else {
    const node = h(name === "strong" ? "strong" : "em");
    renderInline(node, match[1] ?? match[2], inLink);
    parent.appendChild(node);
  }
}

/** Lines of one paragraph, joined by <br> (chat text keeps its line breaks). */
function renderLines(/** @type {Node} */ parent, /** @type {string[]} */ lines) {
  lines.forEach((line, index) => {
    if (index > 0) parent.appendChild(h("br"));
    renderInline(parent, line);
  });
}

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([\w+#.-]*)/;
const HEADING = /^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$/;
const RULE = /^ {0,3}([-*_])(?:\s*\1){2,}\s*$/;
const QUOTE = /^ {0,3}> ?(.*)$/;
const LIST_ITEM = /^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$/;

/** @param {string} line */
function startsBlock(line) {
  return FENCE.test(line) || HEADING.test(line) || RULE.test(line) || QUOTE.test(line);
}

/** A fenced code block with its own copy button. */
function codeBlock(/** @type {string} */ code, /** @type {string} */ language) {
  const codeEl = h("code", { text: code });
  if (language) codeEl.className = `language-${language.replace(/[^\w+-]/g, "")}`;
  const copy = button("Copy", "Copy code", { class: "nemo-copy-code" });
  copy.addEventListener("click", () => copyWithFeedback(/** @type {any} */ (copy), code));
  return h("div", { class: "nemo-codeblock" }, [copy, h("pre", {}, [codeEl])]);
}

/**
 * Parse a (possibly nested) list starting at `lines[start]`; returns the next line index.
 * @param {string[]} lines @param {number} start @param {Node} container
 */
function renderList(lines, start, container) {
  /** @type {{indent: number, list: HTMLElement, ordered: boolean, parent: Node}[]} */
  const stack = [];
  /** @type {HTMLElement | null} */
  let lastItem = null;
  let i = start;
  while (i < lines.length) {
    const line = lines[i];
    const match = line.match(LIST_ITEM);
    if (!match) {
      if (!line.trim()) {
        let next = i + 1;
        while (next < lines.length && !lines[next].trim()) next++;
        if (next < lines.length && LIST_ITEM.test(lines[next])) {
          i = next; // a blank line between items keeps the list going
          continue;
        }
        break;
      }
      if (lastItem && /^\s/.test(line) && !startsBlock(line)) {
        lastItem.appendChild(h("br")); // an indented line continues the item
        renderInline(lastItem, line.trim());
        i++;
        continue;
      }
      break;
    }
    const indent = match[1].replace(/\t/g, "    ").length;
    const ordered = /\d/.test(match[2]);
    while (stack.length && indent < stack[stack.length - 1].indent) stack.pop();
    let top = stack[stack.length - 1];
    if (!top || indent > top.indent + 1) {
      const parent = top && lastItem ? lastItem : container;
      top = { indent, list: h(ordered ? "ol" : "ul"), ordered, parent };
      parent.appendChild(top.list);
      stack.push(top);
      const number = parseInt(match[2], 10);
      if (ordered && number !== 1) top.list.setAttribute("start", String(number));
    } else if (top.ordered !== ordered) {
      const list = h(ordered ? "ol" : "ul");
      top.parent.appendChild(list);
      top = { ...top, list, ordered };
      stack[stack.length - 1] = top;
    }
    lastItem = h("li");
    renderInline(lastItem, match[3]);
    top.list.appendChild(lastItem);
    i++;
  }
  return i;
}

/**
 * Markdown to a DocumentFragment, safely: paragraphs, line breaks, headings, bold, italic,
 * code, fenced code, lists, quotes, rules and http(s) links. An unclosed fence (text still
 * streaming) renders as code so far.
 * @param {string} text
 */
function renderMarkdown(text) {
  const fragment = document.createDocumentFragment();
  const lines = String(text ?? "")
    .replace(/\r\n?/g, "\n")
    .split("\n");
  /** @type {string[]} */
  let paragraph = [];
  const flush = () => {
    if (!paragraph.length) return;
    const p = h("p");
    renderLines(p, paragraph);
    fragment.appendChild(p);
    paragraph = [];
  };
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    const fence = line.match(FENCE);
    if (fence) {
      flush();
      const marker = fence[1];
      const body = [];
      i++;
      while (i < lines.length && !lines[i].trim().startsWith(marker)) body.push(lines[i++]);
      i++; // the closing fence
      fragment.appendChild(codeBlock(body.join("\n"), fence[2]));
      continue;
    }
    if (!line.trim()) {
      flush();
      i++;
      continue;
    }
    const heading = line.match(HEADING);
    if (heading) {
      flush();
      const node = h(`h${heading[1].length}`);
      renderInline(node, heading[2]);
      fragment.appendChild(node);
      i++;
      continue;
    }
    if (RULE.test(line)) {
      flush();
      fragment.appendChild(h("hr"));
      i++;
      continue;
    }
    if (QUOTE.test(line)) {
      flush();
      const quoted = [];
      while (i < lines.length && QUOTE.test(lines[i])) {
        quoted.push(/** @type {RegExpMatchArray} */ (lines[i].match(QUOTE))[1]);
        i++;
      }
      fragment.appendChild(h("blockquote", {}, [renderMarkdown(quoted.join("\n"))]));
      continue;
    }
    if (LIST_ITEM.test(line)) {
      flush();
      i = renderList(lines, i, fragment);
      continue;
    }
    paragraph.push(line.trim());
    i++;
  }
  flush();
  return fragment;
}

// ----------------------------------------------------------------------------- the hub

/** @type {Set<Hub>} */
const hubs = new Set();

/** True when two model proxies wrap the same widget model (they share trait objects). */
function sameModel(/** @type {AnyModel} */ a, /** @type {AnyModel} */ b) {
  if (a === b) return true;
  let shared = false;
  for (const name of IDENTITY_TRAITS) {
    const value = a.get(name);
    if (value !== b.get(name)) return false;
    if (value && typeof value === "object") shared = true;
  }
  return shared;
}

/**
 * The transport of one model, shared by all of its views.
 * Views subscribe to topics: "delta" (item id), "activity", "uploads", "video".
 */
class Hub {
  /** @param {AnyModel} model */
  constructor(model) {
    this.model = model;
    /** @type {Set<(topic: string, detail?: any) => void>} */
    this.listeners = new Set();
    /** @type {Map<string, string>} item id -> text streamed so far */
    this.streamed = new Map();
    /** @type {Map<string, number>} item id -> when its first delta reached the kernel */
    this.firstDeltaKernelMs = new Map();
    /** @type {Map<string, number>} item id -> when its first streamed text showed */
    this.firstShownMs = new Map();
    this.activity = "";
    /** @type {number | null} */
    this.lastSeq = null;
    /** @type {Map<number, any>} `events` messages waiting for an earlier one */
    this.pending = new Map();
    this.gapSince = 0;
    this.lastArrival = Date.now();
    this.lastPoll = 0;
    /** @type {UploadJob[]} */
    this.uploads = [];
    /** @type {UploadJob | null} */
    this.activeUpload = null;
    this.pumping = false;
    this.disposed = false;
    // A model shown again (page reload, another output) may hold a video already.
    this.video = this.emptyVideo(model.get("video")?.token ?? null);

    /** @type {[string, Function][]} */
    this.handlers = [["msg:custom", (content, buffers) => this.onMessage(content, buffers)]];
    for (const name of TRAITS) {
      this.handlers.push([`change:${name}`, () => this.onTraitChange(name)]);
    }
    for (const [name, handler] of this.handlers) model.on(name, handler);
    this.timer = setInterval(() => this.tick(), TICK_MS);
    hubs.add(this);
  }

  dispose() {
    this.disposed = true;
    clearInterval(this.timer);
    for (const [name, handler] of this.handlers) this.model.off(name, handler);
    hubs.delete(this);
    this.listeners.clear();
    this.uploads = [];
    this.activeUpload = null;
    this.video = this.emptyVideo(null);
  }

  /** @param {(topic: string, detail?: any) => void} listener */
  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** @param {string} topic @param {any} [detail] */
  emit(topic, detail) {
    for (const listener of [...this.listeners]) {
      try {
        listener(topic, detail);
      } catch (error) {
        console.error("[nemo-studio]", error);
      }
    }
  }

  /** Send to the kernel; false when that failed (the comm is closed). */
  send(/** @type {any} */ content, /** @type {any[] | undefined} */ buffers = undefined) {
    if (this.disposed) return false;
    try {
      this.model.send(content, undefined, buffers);
      return true;
    } catch (error) {
      console.warn("[nemo-studio] could not send to the kernel", error);
      return false;
    }
  }

  // -- incoming

  /** @param {string} name */
  onTraitChange(name) {
    this.lastArrival = Date.now();
    if (name === "messages") this.pruneStreamed();
    if (name === "busy" && !this.model.get("busy") && this.activity) {
      this.activity = "";
      this.emit("activity");
    }
    if (name === "attachments") this.pruneUploads();
    if (name === "video") this.onVideoTrait();
  }

  /** @param {any} content @param {any[]} [buffers] */
  onMessage(content, buffers = []) {
    if (this.disposed || !content || typeof content !== "object") return;
    this.lastArrival = Date.now();
    const bytes = (buffers || []).map(toBytes);
    switch (content.type) {
      case "events":
        this.receiveEvents(content);
        break;
      case "upload_ack":
        this.onUploadAck(content);
        break;
      case "upload_error":
        this.onUploadError(content);
        break;
      case "video_chunk":
        this.onVideoChunk(content, bytes[0]);
        break;
      case "video_error":
        this.onVideoError(content);
        break;
      default:
        break;
    }
  }

  // -- streamed events, applied in `seq` order

  /** @param {any} message */
  receiveEvents(message) {
    const seq = message.seq;
    if (typeof seq !== "number") {
      this.applyEvents(message);
      return;
    }
    if (this.lastSeq !== null && seq <= this.lastSeq) return; // seen already (poll replay)
    if (this.lastSeq === null || seq === this.lastSeq + 1) {
      this.lastSeq = seq;
      this.applyEvents(message);
      this.drainPending(false);
      return;
    }
    // A message went missing (Colab may drop messages sent from a background thread):
    // keep this one and ask the kernel for what came after the last one we have.
    this.pending.set(seq, message);
    if (!this.gapSince) this.gapSince = Date.now();
    this.sendPoll();
  }

  /** Apply waiting messages in order; with `force`, skip over a gap that never filled. */
  drainPending(/** @type {boolean} */ force) {
    while (this.pending.size) {
      const next = /** @type {number} */ (this.lastSeq) + 1;
      let seq = next;
      if (!this.pending.has(next)) {
        if (!force) return;
        seq = Math.min(...this.pending.keys());
      }
      const message = this.pending.get(seq);
      this.pending.delete(seq);
      this.lastSeq = seq;
      this.applyEvents(message);
    }
    this.gapSince = 0;
  }

  /** @param {any} message */
  applyEvents(message) {
    const items = Array.isArray(message.items) ? message.items : [];
    for (const item of items) {
      if (!item || typeof item !== "object") continue;
      if (item.kind === "delta" && item.id != null && typeof item.text === "string") {
        const id = String(item.id);
        if (this.isFinished(id)) continue; // the committed text already replaced the deltas
        if (!this.streamed.has(id)) this.firstDeltaKernelMs.set(id, Number(message.t_kernel) || 0);
        this.streamed.set(id, (this.streamed.get(id) ?? "") + item.text);
        this.emit("delta", id);
      } else if (item.kind === "status" && typeof item.text === "string") {
        this.activity = item.text;
        this.emit("activity");
      }
    }
  }

  /** @param {string} id */
  isFinished(id) {
    const messages = this.model.get("messages");
    const item = Array.isArray(messages) ? messages.find((m) => String(m?.id) === id) : null;
    return Boolean(item && !item.streaming);
  }

  pruneStreamed() {
    const messages = this.model.get("messages");
    const streaming = new Set(
      (Array.isArray(messages) ? messages : [])
        .filter((item) => item && item.streaming)
        .map((item) => String(item.id)),
    );
    const known = new Set((Array.isArray(messages) ? messages : []).map((m) => String(m?.id)));
    for (const id of [...this.streamed.keys()]) {
      // Keep deltas of items not listed yet; drop those of finished items.
      if (known.has(id) && !streaming.has(id)) this.streamed.delete(id);
    }
  }

  /** Display text of an item: while it streams, the longer of the trait text and the deltas. */
  displayText(/** @type {any} */ item) {
    const text = typeof item?.text === "string" ? item.text : "";
    if (!item?.streaming) return text;
    const streamed = this.streamed.get(String(item.id)) ?? "";
    return streamed.length > text.length ? streamed : text;
  }

  // -- poll fallback

  exportRunning() {
    const state = this.model.get("export")?.state;
    return state === "rendering" || state === "downloading";
  }

  tick() {
    if (this.disposed) return;
    const now = Date.now();
    if (this.pending.size && now - this.gapSince >= GAP_WAIT_MS) this.drainPending(true);
    const active = Boolean(this.model.get("busy")) || this.exportRunning();
    if (active && now - this.lastArrival >= POLL_SILENCE_MS) this.sendPoll();
    const upload = this.activeUpload;
    if (upload && upload.inflight.size && now - upload.lastHeard > UPLOAD_STALL_MS) {
      const message =
        `The notebook kernel stopped answering while ${upload.name} was uploading. ` +
        "Check that it is running, then attach the file again.";
      this.failUpload(upload, message, true);
      this.pumpUploads();
    }
  }

  sendPoll() {
    const now = Date.now();
    if (now - this.lastPoll < POLL_SILENCE_MS) return;
    this.lastPoll = now;
    this.send({ type: "poll", after: this.lastSeq ?? 0 });
  }

  // -- uploads: one file at a time, chunks read lazily, a window of unacknowledged chunks

  chunkSize() {
    const size = Number(this.model.get("upload_chunk_size"));
    return Number.isFinite(size) && size > 0 ? Math.floor(size) : DEFAULT_CHUNK_SIZE;
  }

  windowSize() {
    const size = Number(this.model.get("upload_window"));
    return Number.isFinite(size) && size >= 1 ? Math.floor(size) : DEFAULT_WINDOW;
  }

  /** @param {Iterable<File>} files */
  addFiles(files) {
    const limit = Number(this.model.get("max_upload_bytes")) || 0;
    for (const file of files) {
      const name = file.name || `pasted-${Date.now()}.${file.type.split("/")[1] || "bin"}`;
      /** @type {UploadJob} */
      const job = {
        id: newUploadId(),
        file,
        name,
        size: file.size,
        mime: file.type || "application/octet-stream",
        state: "queued",
        nextSeq: 0,
        nextOffset: 0,
        inflight: new Set(),
        received: 0,
        lastHeard: 0,
        error: null,
        begun: false,
        seenInTrait: false,
      };
      if (file.type && !/^(image|video|audio)\//.test(file.type)) {
        job.state = "error";
        job.error = `${name} is not a photo, video or audio file, so it cannot be used.`;
      } else if (limit > 0 && file.size > limit) {
        job.state = "error";
        job.error =
          `${name} is ${formatBytes(file.size)}; files can be at most ${formatBytes(limit)}. ` +
          "Make it smaller and attach it again.";
      }
      this.uploads.push(job);
    }
    this.emit("uploads");
    this.pumpUploads();
  }

  /** Cancel an upload (local or listed by the kernel) and forget it. @param {string} id */
  cancelUpload(id) {
    const job = this.uploads.find((candidate) => candidate.id === id);
    if (!job || job.begun) this.send({ type: "upload_cancel", id });
    if (job) {
      this.uploads = this.uploads.filter((candidate) => candidate !== job);
      if (this.activeUpload === job) this.activeUpload = null;
    }
    this.emit("uploads");
    this.pumpUploads();
  }

  /** @returns {UploadJob | null} */
  startNextUpload() {
    const job = this.uploads.find((candidate) => candidate.state === "queued");
    if (!job) return null;
    job.state = "uploading";
    job.begun = true;
    job.lastHeard = Date.now();
    this.activeUpload = job;
    const begin = {
      type: "upload_begin",
      id: job.id,
      name: job.name,
      size: job.size,
      mime: job.mime,
    };
    if (!this.send(begin)) {
      this.failUpload(job, LOST_KERNEL, false);
      return this.startNextUpload();
    }
    this.emit("uploads");
    return job;
  }

  async pumpUploads() {
    if (this.pumping || this.disposed) return;
    this.pumping = true;
    try {
      for (;;) {
        const job = this.activeUpload ?? this.startNextUpload();
        if (!job || this.disposed) return;
        if (job.nextOffset >= job.size) {
          if (job.inflight.size > 0) return; // wait for the last acks
          job.state = "sent";
          this.activeUpload = null;
          this.send({ type: "upload_end", id: job.id });
          this.emit("uploads");
          continue;
        }
        if (job.inflight.size >= this.windowSize()) return; // an ack will call us again
        const start = job.nextOffset;
        const end = Math.min(job.size, start + this.chunkSize());
        let data;
        try {
          data = await job.file.slice(start, end).arrayBuffer();
        } catch {
          this.failUpload(job, `Could not read ${job.name}. Attach it again.`, true);
          continue;
        }
        if (this.activeUpload !== job || this.disposed) continue; // cancelled while reading
        const seq = job.nextSeq;
        job.nextSeq += 1;
        job.nextOffset = end;
        job.inflight.add(seq);
        if (!this.send({ type: "upload_chunk", id: job.id, seq, offset: start }, [data])) {
          this.failUpload(job, LOST_KERNEL, false);
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  /** @param {UploadJob} job @param {string} message @param {boolean} tellKernel */
  failUpload(job, message, tellKernel) {
    job.state = "error";
    job.error = message;
    job.inflight.clear();
    if (this.activeUpload === job) this.activeUpload = null;
    if (tellKernel) this.send({ type: "upload_cancel", id: job.id });
    this.emit("uploads");
  }

  /** @param {any} content */
  onUploadAck(content) {
    const job = this.uploads.find((candidate) => candidate.id === content.id);
    if (!job) return;
    for (const seq of Array.isArray(content.acked) ? content.acked : []) job.inflight.delete(seq);
    if (typeof content.received === "number") job.received = content.received;
    job.lastHeard = Date.now();
    this.emit("uploads");
    this.pumpUploads();
  }

  /** @param {any} content */
  onUploadError(content) {
    const job = this.uploads.find((candidate) => candidate.id === content.id);
    if (!job) return;
    const active = this.activeUpload === job;
    this.failUpload(job, String(content.message || `Could not upload ${job.name}.`), false);
    if (active) this.pumpUploads();
  }

  /** Forget finished uploads the kernel no longer lists (it sent or removed them). */
  pruneUploads() {
    const listed = new Set(
      (this.model.get("attachments") || []).map((/** @type {any} */ a) => String(a?.id)),
    );
    const before = this.uploads.length;
    this.uploads = this.uploads.filter((job) => {
      if (listed.has(job.id)) {
        job.seenInTrait = true;
        return true;
      }
      return !(job.seenInTrait && (job.state === "sent" || job.state === "error"));
    });
    if (this.uploads.length !== before) this.emit("uploads");
  }

  /** @param {string} id */
  dismissUpload(id) {
    this.uploads = this.uploads.filter((job) => job.id !== id);
    this.emit("uploads");
  }

  // -- video: the server's URL first; on failure chunks from the kernel, assembled into a Blob

  /** @param {number | null} token */
  emptyVideo(token) {
    return {
      token,
      /** @type {"idle" | "fetching" | "ready" | "error"} */
      state: "idle",
      /** @type {Uint8Array[]} */
      parts: [],
      count: 0,
      /** @type {number | null} */
      lastSeq: null,
      received: 0,
      size: 0,
      /** @type {Blob | null} */
      blob: null,
      /** @type {string | null} */
      error: null,
    };
  }

  onVideoTrait() {
    const video = this.model.get("video") || {};
    const token = video.token ?? null;
    if (token === this.video.token) return;
    this.video = this.emptyVideo(token); // drops the previous Blob
    this.emit("video");
  }

  /** Ask the kernel for the MP4 of `token` (once; several views may ask). @param {any} token */
  requestVideo(token) {
    if (token == null || token !== this.video.token || this.video.state !== "idle") return;
    this.video.state = "fetching";
    this.video.size = Number(this.model.get("video")?.size) || 0;
    this.send({ type: "video_request", token });
    this.emit("video");
  }

  /** @param {any} content @param {Uint8Array | undefined} bytes */
  onVideoChunk(content, bytes) {
    this.send({ type: "video_ack", token: content.token, seq: content.seq });
    const video = this.video;
    if (content.token !== video.token || video.state !== "fetching" || !bytes) return;
    const seq = Number(content.seq);
    if (!Number.isInteger(seq) || seq < 0 || video.parts[seq]) return;
    video.parts[seq] = bytes;
    video.count += 1;
    video.received += bytes.byteLength;
    if (typeof content.size === "number") video.size = content.size;
    if (content.last) video.lastSeq = seq;
    if (video.lastSeq !== null && video.count === video.lastSeq + 1) {
      video.blob = new Blob(/** @type {BlobPart[]} */ (video.parts), { type: "video/mp4" });
      video.parts = [];
      video.state = "ready";
    }
    this.emit("video");
  }

  /** @param {any} content */
  onVideoError(content) {
    if (content.token !== this.video.token) return;
    this.video.state = "error";
    this.video.parts = [];
    this.video.error = String(content.message || "The video could not be loaded.");
    this.emit("video");
  }
}

/** The hub of `model`, made by initialize; null when this runtime did not call initialize. */
function findHub(/** @type {AnyModel} */ model) {
  for (const hub of hubs) if (sameModel(hub.model, model)) return hub;
  return null;
}

// ----------------------------------------------------------------------------- icons

const SVG_NS = "http://www.w3.org/2000/svg";
/** Outline icons (stroke paths on a 24x24 grid), drawn with DOM calls rather than emoji glyphs,
 * which some Linux machines lack a font for. */
const ICONS = {
  paperclip: [
    "M21.44 11.05l-9.19 9.19a6 6 0 0 1-8.49-8.49l9.19-9.19a4 4 0 0 1 5.66 5.66" +
      "l-9.2 9.19a2 2 0 0 1-2.83-2.83l8.49-8.48",
  ],
  image: [
    "M5 3h14a2 2 0 0 1 2 2v14a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z",
    "M21 15l-5-5L5 21",
    "M8.5 7a1.5 1.5 0 1 0 0 3a1.5 1.5 0 1 0 0-3z",
  ],
  music: [
    "M9 18V5l12-2v13",
    "M6 15a3 3 0 1 0 0 6a3 3 0 1 0 0-6z",
    "M18 13a3 3 0 1 0 0 6a3 3 0 1 0 0-6z",
  ],
  film: [
    "M4 2h16a2 2 0 0 1 2 2v16a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2z",
    "M7 2v20M17 2v20M2 12h20M2 7h5M2 17h5M17 17h5M17 7h5",
  ],
};

/** @param {keyof typeof ICONS} name */
function icon(name) {
  const svg = document.createElementNS(SVG_NS, "svg");
  const attrs = {
    viewBox: "0 0 24 24",
    width: "16",
    height: "16",
    fill: "none",
    stroke: "currentColor",
    "stroke-width": "2",
    "stroke-linecap": "round",
    "stroke-linejoin": "round",
    "aria-hidden": "true",
    class: "nemo-icon",
  };
  for (const [key, value] of Object.entries(attrs)) svg.setAttribute(key, value);
  for (const d of ICONS[name]) {
    const path = document.createElementNS(SVG_NS, "path");
    path.setAttribute("d", d);
    svg.append(path);
  }
  return svg;
}

/** The icon for a chip without a local preview. @param {string} name @param {string} mime */
function fileIcon(name, mime) {
  const type = mime || "";
  if (type.startsWith("video/") || /\.(mp4|mov|webm|mkv|avi|m4v)$/i.test(name)) return icon("film");
  if (type.startsWith("audio/") || /\.(mp3|wav|aac|m4a|ogg|flac|opus)$/i.test(name)) {
    return icon("music");
  }
  return icon("image");
}

// ----------------------------------------------------------------------------- timeline drawing

/** A segment's tooltip: its label, then "1 s – 2.5 s (1.5 s)". */
function segmentTooltip(
  /** @type {string} */ label,
  /** @type {number} */ start,
  /** @type {number} */ end,
) {
  const times = `${formatSeconds(start)} – ${formatSeconds(end)} (${formatSeconds(end - start)})`;
  return label ? `${label}\n${times}` : times;
}

/** Tick spacing for a timeline of `duration` seconds: about ten ticks or fewer. */
function tickStep(/** @type {number} */ duration) {
  for (const step of [1, 2, 5, 10, 15, 30, 60, 120, 300, 600]) {
    if (duration / step <= 10) return step;
  }
  return Math.ceil(duration / 10 / 600) * 600;
}

/**
 * @typedef {{start: number, end: number, kind: string, label: string, media: string,
 *   thumb: string | null, volume: number | null}} SegmentRow
 * @typedef {{number: number, word: string, label: string, kind: string,
 *   segments: SegmentRow[]}} TrackRow
 */

/**
 * The `timeline` trait, checked and flattened for drawing (kernel data is never trusted).
 * @param {any} raw
 * @returns {{title: string, duration: number, tracks: TrackRow[]}}
 */
function readTimeline(raw) {
  const timeline = raw && typeof raw === "object" ? raw : {};
  const tracks = (Array.isArray(timeline.tracks) ? timeline.tracks : [])
    .filter((/** @type {any} */ track) => track && typeof track === "object")
    .map((/** @type {any} */ track, index) => {
      const word = String(track.kind_word || track.kind || "Track");
      const name = String(track.name || "");
      const segments = (Array.isArray(track.segments) ? track.segments : [])
        .filter((/** @type {any} */ seg) => seg && Number.isFinite(Number(seg.start_s)))
        .map((/** @type {any} */ seg) => {
          const start = Number(seg.start_s);
          const kind = ["video", "audio", "text"].includes(seg.kind) ? seg.kind : "other";
          const thumb = typeof seg.thumb === "string" && /^data:image\//.test(seg.thumb);
          const volume = seg.volume ?? track.volume;
          return {
            start,
            end: Math.max(start, Number(seg.end_s) || start),
            kind,
            label: String(seg.label || seg.text || ""),
            media: String(seg.media || kind),
            thumb: thumb ? seg.thumb : null,
            volume: volume == null || !Number.isFinite(Number(volume)) ? null : Number(volume),
          };
        });
      const label = name ? `${word} · ${name}` : word;
      return { number: index + 1, word, label, kind: String(track.kind || ""), segments };
    });
  const longest = Math.max(0, ...tracks.flatMap((t) => t.segments.map((s) => s.end)));
  const duration = Number(timeline.duration_s) > 0 ? Number(timeline.duration_s) : longest;
  return { title: String(timeline.title || ""), duration, tracks };
}

/** The time ruler: a tick every 1, 2, 5, 10... seconds. @param {number} duration */
function rulerRow(duration) {
  const lane = h("div", { class: "nemo-ruler-lane" });
  const step = tickStep(duration);
  for (let t = 0; t <= duration + 1e-9; t += step) {
    const tick = h("span", {
      class: "nemo-tick",
      style: `left: ${((t / duration) * 100).toFixed(4)}%`,
      "data-t": String(t),
    });
    tick.append(h("span", { class: "nemo-tick-label", text: formatSeconds(t).replace(" s", "s") }));
    lane.append(tick);
  }
  return h("div", { class: "nemo-track nemo-ruler" }, [
    h("span", { class: "nemo-track-label" }),
    lane,
  ]);
}

/** One bar, placed by time as percentages of the whole.
 * @param {SegmentRow} seg @param {number} duration */
function segmentBar(seg, duration) {
  const left = (seg.start / duration) * 100;
  const width = ((seg.end - seg.start) / duration) * 100;
  const bar = h("div", {
    class: `nemo-segment nemo-seg-${seg.kind}`,
    "data-testid": "nemo-segment",
    "data-kind": seg.kind,
    "data-start": String(seg.start),
    "data-end": String(seg.end),
    style: `left: ${left.toFixed(4)}%; width: ${width.toFixed(4)}%`,
    title: segmentTooltip(seg.label, seg.start, seg.end),
  });
  if (seg.kind === "video" && seg.thumb) {
    bar.append(h("img", { class: "nemo-seg-thumb", src: seg.thumb, alt: "" }));
  }
  bar.append(h("span", { class: "nemo-seg-label", text: seg.label }));
  return bar;
}

/** @param {TrackRow} track @param {number} duration */
function trackRow(track, duration) {
  const lane = h("div", { class: "nemo-lane" });
  for (const seg of track.segments) lane.append(segmentBar(seg, duration));
  return h("div", { class: "nemo-track", "data-track-kind": track.kind }, [
    h("span", { class: "nemo-track-label", text: track.label, title: track.label }),
    lane,
  ]);
}

/** The same segments as a table, one row each. @param {TrackRow[]} tracks */
function trackTable(tracks) {
  const columns = ["Track", "Kind", "Label", "Start", "End", "Duration", "Volume"];
  const rows = tracks.flatMap((track) =>
    track.segments.map((seg) =>
      h(
        "tr",
        {},
        [
          `${track.number}. ${track.word}`,
          seg.media,
          seg.label,
          formatSeconds(seg.start),
          formatSeconds(seg.end),
          formatSeconds(seg.end - seg.start),
          seg.volume == null ? "—" : `${Math.round(seg.volume)}%`,
        ].map((text) => h("td", { text })),
      ),
    ),
  );
  return h("table", { class: "nemo-table", "data-testid": "nemo-track-table" }, [
    h("thead", {}, [
      h(
        "tr",
        {},
        columns.map((title) => h("th", { scope: "col", text: title })),
      ),
    ]),
    h("tbody", {}, rows),
  ]);
}

// ----------------------------------------------------------------------------- the view

class StudioView {
  /** @param {AnyModel} model @param {HTMLElement} el @param {Hub} hub */
  constructor(model, el, hub) {
    this.model = model;
    this.el = el;
    this.hub = hub;
    /** @type {Map<string, {node: HTMLElement, sig: string, body?: HTMLElement | null}>} */
    this.items = new Map();
    /** @type {Map<string, {node: HTMLElement, sig: string}>} */
    this.chips = new Map();
    /** @type {Map<string, string>} upload id -> object URL of the local file (thumbnail) */
    this.thumbs = new Map();
    /** @type {Map<string, Set<string>[]>} question item id -> chosen labels per question */
    this.answers = new Map();
    /** @type {Set<string>} question items answered from this view, awaiting the trait */
    this.answerSent = new Set();
    this.stick = true;
    /** @type {"timeline" | "table"} */
    this.mode = "timeline";
    this.dragDepth = 0;
    this.composing = false;
    /** @type {Set<string>} */
    this.dirty = new Set();
    this.frame = 0;
    /** @type {(() => void)[]} */
    this.disposers = [];
    this.video = {
      /** @type {any} */ token: null,
      /** @type {HTMLVideoElement | null} */ element: null,
      /** @type {string | null} */ blobUrl: null,
      usingBlob: false,
      /** @type {ReturnType<typeof setTimeout> | 0} */ timer: 0,
    };
    this.build();
    this.renderAll();
  }

  // -- wiring helpers

  /** @param {EventTarget} target @param {string} type @param {EventListener} handler */
  listen(target, type, handler, options = {}) {
    target.addEventListener(type, handler, options);
    this.disposers.push(() => target.removeEventListener(type, handler, options));
  }

  /** @param {string} name @param {Function} handler */
  onModel(name, handler) {
    this.model.on(name, handler);
    this.disposers.push(() => this.model.off(name, handler));
  }

  // -- building

  build() {
    this.root = h("div", { class: "nemo-studio", ...SUPPRESS_SHORTCUTS }, [
      this.buildHeader(),
      h("div", { class: "nemo-body" }, [
        this.buildChat(),
        h("div", { class: "nemo-side" }, [this.buildTimelinePanel(), this.buildExportBar()]),
      ]),
      h("div", {
        class: "nemo-drop-overlay",
        "aria-hidden": "true",
        text: "Drop photos, videos or music to attach",
      }),
    ]);
    this.el.appendChild(this.root);
    this.wireDom();
    this.wireModel();
  }

  buildHeader() {
    this.backendBadge = h("span", { class: "nemo-badge", "data-testid": "nemo-backend" });
    this.creditsBadge = h("span", { class: "nemo-badge", "data-testid": "nemo-credits" });
    this.sessionLabel = h("span", { class: "nemo-session", hidden: true });
    return h("div", { class: "nemo-header" }, [
      h("span", { class: "nemo-title", text: "NemoStudio" }),
      this.backendBadge,
      this.creditsBadge,
      this.sessionLabel,
    ]);
  }

  buildChat() {
    this.log = h("div", {
      class: "nemo-log",
      role: "log",
      "aria-live": "polite",
      "aria-label": "Conversation",
      tabindex: "0",
    });
    this.pill = button("↓ New messages", "Scroll to the newest messages", {
      class: "nemo-pill",
      hidden: true,
    });
    this.activityLine = h("div", { class: "nemo-activity", "aria-live": "polite", hidden: true });
    this.chipList = h("div", { class: "nemo-attachments", "aria-label": "Attachments" });
    this.fileInput = /** @type {HTMLInputElement} */ (
      h("input", {
        type: "file",
        multiple: true,
        accept: MEDIA_ACCEPT,
        hidden: true,
        "data-testid": "nemo-file-input",
        "aria-label": "Choose files to attach",
      })
    );
    this.attachButton = button("", "Attach photos, videos or music", {
      class: "nemo-icon-button",
      title: "Attach photos, videos or music",
    });
    this.attachButton.append(icon("paperclip"));
    this.input = /** @type {HTMLTextAreaElement} */ (
      h("textarea", {
        class: "nemo-input",
        rows: "1",
        placeholder: "Tell me what to make…",
        "aria-label": "Message",
        "data-testid": "nemo-input",
      })
    );
    this.queuedLabel = h("span", { class: "nemo-queued", "aria-live": "polite", hidden: true });
    this.stopButton = button("■ Stop", "Stop the current reply", {
      class: "nemo-button nemo-stop",
      "data-testid": "nemo-stop",
    });
    this.sendButton = button("Send", "Send message", {
      class: "nemo-button nemo-primary",
      "data-testid": "nemo-send",
    });
    // The stop button is inserted here only during a turn.
    this.actions = h("div", { class: "nemo-composer-actions" }, [
      this.queuedLabel,
      this.sendButton,
    ]);
    return h("section", { class: "nemo-chat", "aria-label": "Chat" }, [
      h("div", { class: "nemo-logwrap" }, [this.log, this.pill]),
      this.activityLine,
      this.chipList,
      h("div", { class: "nemo-composer" }, [
        this.attachButton,
        this.fileInput,
        this.input,
        this.actions,
      ]),
    ]);
  }

  buildTimelinePanel() {
    this.timelineMeta = h("span", { class: "nemo-panel-meta" });
    const toggle = { class: "nemo-toggle-button", "aria-pressed": "false" };
    this.timelineToggle = button("Timeline", "Show the timeline", toggle);
    this.tableToggle = button("Table", "Show the track table", toggle);
    this.timelineView = h("div", { class: "nemo-timeline", "data-testid": "nemo-timeline" });
    this.tableView = h("div", { class: "nemo-table-wrap", hidden: true });
    return h("section", { class: "nemo-panel", "aria-label": "Timeline" }, [
      h("div", { class: "nemo-panel-head" }, [
        h("span", { class: "nemo-panel-title", text: "Timeline" }),
        this.timelineMeta,
        h("span", { class: "nemo-toggle", role: "group", "aria-label": "View" }, [
          this.timelineToggle,
          this.tableToggle,
        ]),
      ]),
      this.timelineView,
      this.tableView,
    ]);
  }

  buildExportBar() {
    this.exportButton = button("Export video", "Export the video", {
      class: "nemo-button nemo-primary",
      "data-testid": "nemo-export",
    });
    this.progress = /** @type {HTMLProgressElement} */ (
      h("progress", {
        max: "100",
        value: "0",
        "data-testid": "nemo-progress",
        "aria-label": "Export progress",
      })
    );
    this.progressLabel = h("span", { class: "nemo-progress-label" });
    this.progressWrap = h("div", { class: "nemo-progress-wrap", hidden: true }, [
      this.progress,
      this.progressLabel,
    ]);
    this.exportError = h("div", { class: "nemo-export-error", role: "alert", hidden: true });
    this.videoBox = h("div", { class: "nemo-video-box" });
    this.videoStatus = h("div", { class: "nemo-video-status", hidden: true });
    // target=_blank: a cross-origin URL ignores `download`, and must not replace the notebook.
    this.download = /** @type {HTMLAnchorElement} */ (
      h("a", {
        class: "nemo-download",
        "data-testid": "nemo-download",
        target: "_blank",
        rel: "noopener noreferrer",
        text: "Download",
      })
    );
    this.videoSize = h("span", { class: "nemo-video-size" });
    this.videoWrap = h("div", { class: "nemo-video-wrap", hidden: true }, [
      this.videoBox,
      this.videoStatus,
      h("div", { class: "nemo-video-meta" }, [this.download, this.videoSize]),
    ]);
    return h("section", { class: "nemo-panel nemo-exportbar", "aria-label": "Export" }, [
      h("div", { class: "nemo-export-row" }, [this.exportButton, this.progressWrap]),
      this.exportError,
      this.videoWrap,
    ]);
  }

  wireDom() {
    const asAny = (/** @type {(event: any) => void} */ handler) => /** @type {any} */ (handler);
    // Keys typed into the studio are the person's, not the notebook's (Shift+Enter would run the
    // cell again and replace the studio). Lumino honours SUPPRESS_SHORTCUTS on the root; front
    // ends that listen while the event bubbles (Notebook 7, VS Code) are stopped here.
    for (const type of ["keydown", "keypress", "keyup"]) {
      this.listen(
        this.root,
        type,
        asAny((event) => {
          if (isTextEntry(event.target)) event.stopPropagation();
        }),
      );
    }
    // Composer
    this.listen(this.sendButton, "click", () => this.submit());
    this.listen(this.stopButton, "click", () => this.hub.send({ type: "stop" }));
    this.listen(
      this.input,
      "keydown",
      asAny((event) => this.onKeyDown(event)),
    );
    this.listen(this.input, "compositionstart", () => (this.composing = true));
    this.listen(this.input, "compositionend", () => {
      setTimeout(() => (this.composing = false), 0); // Safari sends Enter right after
    });
    this.listen(this.input, "input", () => this.autosize());
    this.listen(
      this.input,
      "paste",
      asAny((event) => this.onPaste(event)),
    );
    this.listen(this.attachButton, "click", () => this.fileInput.click());
    this.listen(this.fileInput, "change", () => {
      const files = [...(this.fileInput.files || [])];
      this.fileInput.value = ""; // choosing the same file again fires change again
      if (files.length) this.hub.addFiles(files);
    });
    // Drag and drop anywhere on the widget
    this.listen(
      this.root,
      "dragenter",
      asAny((event) => this.onDrag(event, 1)),
    );
    this.listen(
      this.root,
      "dragover",
      asAny((event) => this.onDrag(event, 0)),
    );
    this.listen(
      this.root,
      "dragleave",
      asAny((event) => this.onDrag(event, -1)),
    );
    this.listen(
      this.root,
      "drop",
      asAny((event) => this.onDrop(event)),
    );
    // Scrolling
    this.listen(this.log, "scroll", () => {
      this.stick = this.atBottom();
      if (this.stick) this.pill.hidden = true;
    });
    this.listen(this.pill, "click", () => {
      this.stick = true;
      this.scrollToBottom();
    });
    // Timeline toggle and export
    this.listen(this.timelineToggle, "click", () => this.setMode("timeline"));
    this.listen(this.tableToggle, "click", () => this.setMode("table"));
    this.listen(this.exportButton, "click", () => {
      this.exportButton.setAttribute("disabled", "");
      this.hub.send({ type: "export" });
      // The export trait normally takes over; if the kernel never answers, allow a retry.
      setTimeout(() => this.root.isConnected && this.renderExport(), 3000);
    });
  }

  wireModel() {
    for (const name of ["backend", "credits", "session_id", "debug"]) {
      this.onModel(`change:${name}`, () => this.renderHeader());
    }
    this.onModel("change:messages", () => this.renderMessages());
    this.onModel("change:busy", () => this.renderComposer());
    this.onModel("change:queued", () => this.renderComposer());
    this.onModel("change:attachments", () => this.renderAttachments());
    this.onModel("change:timeline", () => {
      this.renderTimeline();
      this.renderExport();
    });
    this.onModel("change:export", () => this.renderExport());
    this.onModel("change:video", () => this.renderVideo());
    this.disposers.push(this.hub.subscribe((topic, detail) => this.onHub(topic, detail)));
  }

  renderAll() {
    this.renderHeader();
    this.renderMessages();
    this.renderComposer();
    this.renderAttachments();
    this.renderTimeline();
    this.renderExport();
    this.renderVideo();
    this.renderActivity();
  }

  /** @param {string} topic @param {any} detail */
  onHub(topic, detail) {
    if (topic === "delta") this.scheduleItem(detail);
    else if (topic === "activity") this.renderActivity();
    else if (topic === "uploads") this.renderAttachments();
    else if (topic === "video") this.updateVideoFromHub();
  }

  // -- header

  renderHeader() {
    const backend = String(this.model.get("backend") || "");
    this.backendBadge.textContent = backend;
    this.backendBadge.hidden = !backend;
    const credits = String(this.model.get("credits") || "");
    this.creditsBadge.textContent = credits;
    this.creditsBadge.hidden = !credits;
    const session = String(this.model.get("session_id") || "");
    this.sessionLabel.textContent = session ? `session ${session}` : "";
    this.sessionLabel.hidden = !(this.model.get("debug") && session);
    this.root.classList.toggle("nemo-debug", Boolean(this.model.get("debug")));
  }

  // -- chat

  messages() {
    const value = this.model.get("messages");
    return Array.isArray(value) ? value.filter((item) => item && typeof item === "object") : [];
  }

  /** Reconcile the list by item id: unchanged items keep their nodes (scroll, selection). */
  renderMessages() {
    const items = this.messages();
    const seen = new Set();
    let expected = this.log.firstChild;
    for (const item of items) {
      const id = String(item.id);
      if (seen.has(id)) continue;
      seen.add(id);
      const sig = `${JSON.stringify(item)}\u0000${this.hub.displayText(item)}`;
      let record = this.items.get(id);
      if (!record) {
        record = { node: h("div", { class: "nemo-item", "data-item-id": id }), sig: "" };
        this.items.set(id, record);
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
        this.answers.delete(id);
      }
    }
    this.contentChanged();
  }

  /** Build the contents of one item's node. @param {any} record @param {any} item */
  fillItem(record, item) {
    const role = ["user", "assistant", "status", "error"].includes(item.role)
      ? item.role
      : "status";
    const node = record.node;
    node.className = `nemo-item nemo-item-${role}`;
    record.body = null;
    if (role === "status") {
      const status = h("div", { class: "nemo-status", "data-testid": "nemo-status" }, [
        h("span", { text: item.text ?? "" }),
      ]);
      if (typeof item.detail === "string" && item.detail) {
        // Shown only in debug mode (the root's nemo-debug class): the tool and its arguments.
        status.append(h("code", { class: "nemo-status-detail", text: item.detail }));
      }
      node.replaceChildren(status);
      return;
    }
    if (role === "error") {
      const bubble = h("div", { class: "nemo-error", "data-testid": "nemo-error", role: "alert" }, [
        h("div", { class: "nemo-error-text", text: item.text ?? "" }),
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
      bubble.append(h("div", { class: "nemo-plain", text: item.text ?? "" }));
    } else {
      const body = h("div", { class: "nemo-markdown" });
      body.append(renderMarkdown(this.hub.displayText(item)));
      record.body = body;
      bubble.append(body);
      this.stampFirstText(bubble, String(item.id));
      if (item.stopped) bubble.append(h("div", { class: "nemo-note", text: "Stopped" }));
      if (item.question && typeof item.question === "object") {
        bubble.append(this.buildQuestion(String(item.id), item));
      }
      const copy = button("Copy", "Copy message", { class: "nemo-copy", title: "Copy message" });
      copy.addEventListener("click", () => {
        const current = this.messages().find((m) => String(m.id) === String(item.id)) ?? item;
        copyWithFeedback(/** @type {any} */ (copy), this.hub.displayText(current));
      });
      bubble.append(h("div", { class: "nemo-bubble-tools" }, [copy]));
    }
    node.replaceChildren(bubble);
  }

  /** Re-render streamed text of an item soon (coalesced per animation frame). @param {string} id */
  scheduleItem(id) {
    this.dirty.add(id);
    if (this.frame) return;
    const run = () => {
      cancelAnimationFrame(raf);
      clearTimeout(timer);
      this.frame = 0;
      this.flushDirty();
    };
    // rAF is paused in hidden tabs; the timer keeps the text going there.
    const raf = requestAnimationFrame(run);
    const timer = setTimeout(run, 100);
    this.frame = 1;
    this.cancelFrame = () => {
      cancelAnimationFrame(raf);
      clearTimeout(timer);
    };
  }

  /**
   * Stamp the bubble with when its first streamed text reached the kernel and when it first
   * showed here (epoch ms): what benchmarks/bench_widget.py reports as kernel-to-screen.
   * @param {HTMLElement} bubble @param {string} id
   */
  stampFirstText(bubble, id) {
    const kernelMs = this.hub.firstDeltaKernelMs.get(id);
    if (!kernelMs) return;
    if (!this.hub.firstShownMs.has(id)) this.hub.firstShownMs.set(id, Date.now());
    bubble.dataset.tKernel = String(kernelMs);
    bubble.dataset.tShown = String(this.hub.firstShownMs.get(id));
  }

  flushDirty() {
    const ids = [...this.dirty];
    this.dirty.clear();
    const items = this.messages();
    for (const id of ids) {
      const record = this.items.get(id);
      const item = items.find((candidate) => String(candidate.id) === id);
      if (!record || !item || !record.body) continue; // shown when the item arrives
      const bubble = record.body.parentElement;
      if (bubble) bubble.dataset.streaming = item.streaming ? "true" : "false";
      record.body.replaceChildren(renderMarkdown(this.hub.displayText(item)));
      if (bubble) this.stampFirstText(bubble, id);
      record.sig = `${JSON.stringify(item)}\u0000${this.hub.displayText(item)}`;
    }
    this.contentChanged();
  }

  /** @param {string} id @param {any} item */
  buildQuestion(id, item) {
    const question = item.question;
    const list = Array.isArray(question.questions) ? question.questions : [];
    let chosen = this.answers.get(id);
    if (!chosen || chosen.length !== list.length) {
      chosen = list.map(() => new Set());
      this.answers.set(id, chosen);
    }
    const done = Boolean(item.answered) || this.answerSent.has(id);
    const box = h("div", { class: "nemo-question" });
    if (question.title)
      box.append(h("div", { class: "nemo-question-title", text: question.title }));
    const sendAnswer = button(item.answered ? "Answered" : "Send answer", "Send answer", {
      class: "nemo-button nemo-primary",
      disabled: done,
    });
    list.forEach((entry, index) => {
      const picks = /** @type {Set<string>[]} */ (chosen)[index];
      const multiple = Boolean(entry?.allow_multiple);
      const options = h("div", {
        class: "nemo-options",
        role: multiple ? "group" : "radiogroup",
        "aria-label": String(entry?.prompt ?? "Options"),
      });
      for (const option of Array.isArray(entry?.options) ? entry.options : []) {
        const label = String(option?.label ?? option?.id ?? "");
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
          h("div", { class: "nemo-question-prompt", text: String(entry?.prompt ?? "") }),
          options,
        ]),
      );
    });
    sendAnswer.addEventListener("click", () => {
      const choices = /** @type {Set<string>[]} */ (chosen).map((picks) => [...picks]);
      this.answerSent.add(id);
      for (const button of box.querySelectorAll("button")) button.setAttribute("disabled", "");
      this.hub.send({ type: "answer", item_id: id, choices });
    });
    box.append(h("div", { class: "nemo-question-actions" }, [sendAnswer]));
    return box;
  }

  atBottom() {
    const log = this.log;
    return log.scrollHeight - log.scrollTop - log.clientHeight <= NEAR_BOTTOM_PX;
  }

  scrollToBottom() {
    this.log.scrollTop = this.log.scrollHeight;
    this.pill.hidden = true;
  }

  /** After new content: follow it if the user is at the bottom, else offer the pill. */
  contentChanged() {
    if (this.stick) this.scrollToBottom();
    else if (this.log.scrollHeight > this.log.clientHeight) this.pill.hidden = false;
  }

  renderActivity() {
    const busy = Boolean(this.model.get("busy"));
    const text = this.hub.activity || (busy ? "Working…" : "");
    this.activityLine.textContent = text;
    this.activityLine.hidden = !busy || !text;
  }

  // -- composer

  renderComposer() {
    const busy = Boolean(this.model.get("busy"));
    if (busy && !this.stopButton.isConnected)
      this.actions.insertBefore(this.stopButton, this.sendButton);
    if (!busy && this.stopButton.isConnected) this.stopButton.remove();
    const queued = Number(this.model.get("queued")) || 0;
    this.queuedLabel.textContent = queued > 0 ? `${queued} queued` : "";
    this.queuedLabel.hidden = queued <= 0;
    this.renderActivity();
  }

  submit() {
    const text = this.input.value.trim();
    if (!text) return;
    this.hub.send({ type: "send", text });
    this.input.value = "";
    this.autosize();
    this.stick = true;
    this.scrollToBottom();
  }

  /** @param {KeyboardEvent} event */
  onKeyDown(event) {
    if (event.key !== "Enter" || event.shiftKey) return;
    // keyCode 229: the key belongs to an input method (Japanese, Chinese... composition)
    if (event.isComposing || this.composing || event.keyCode === 229) return;
    event.preventDefault();
    this.submit();
  }

  autosize() {
    this.input.style.height = "auto";
    this.input.style.height = `${Math.min(this.input.scrollHeight, 160)}px`;
  }

  /** @param {ClipboardEvent} event */
  onPaste(event) {
    const data = event.clipboardData;
    if (!data) return;
    const files = [...(data.files || [])].filter((file) =>
      /^(image|video|audio)\//.test(file.type),
    );
    if (!files.length) return;
    if (!data.getData("text/plain")) event.preventDefault(); // else the file name is pasted too
    this.hub.addFiles(files);
  }

  /** @param {DragEvent} event @param {number} step */
  onDrag(event, step) {
    if (![...(event.dataTransfer?.types || [])].includes("Files")) return;
    event.preventDefault();
    if (step === 0 && event.dataTransfer) event.dataTransfer.dropEffect = "copy";
    this.dragDepth = Math.max(0, this.dragDepth + step);
    this.root.classList.toggle("nemo-dropping", this.dragDepth > 0 || step === 0);
  }

  /** @param {DragEvent} event */
  onDrop(event) {
    const files = [...(event.dataTransfer?.files || [])];
    this.dragDepth = 0;
    this.root.classList.remove("nemo-dropping");
    if (!files.length) return;
    event.preventDefault();
    event.stopPropagation(); // JupyterLab would otherwise handle the drop too
    this.hub.addFiles(files);
  }

  // -- attachments

  /** Kernel-listed attachments first, then local uploads the kernel does not list yet. */
  attachmentRows() {
    const listed = this.model.get("attachments");
    const rows = [];
    const seen = new Set();
    for (const entry of Array.isArray(listed) ? listed : []) {
      if (!entry || entry.id == null) continue;
      const id = String(entry.id);
      seen.add(id);
      const job = this.hub.uploads.find((candidate) => candidate.id === id) ?? null;
      const state = ["uploading", "done", "error"].includes(entry.state)
        ? entry.state
        : "uploading";
      const progress = Number(entry.progress);
      rows.push({
        id,
        name: String(entry.name ?? job?.name ?? ""),
        size: Number(entry.size ?? job?.size ?? 0),
        state,
        progress: Number.isFinite(progress) ? progress : 0,
        error: entry.error ? String(entry.error) : null,
        job,
        local: false,
      });
    }
    for (const job of this.hub.uploads) {
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
      });
    }
    return rows;
  }

  renderAttachments() {
    const rows = this.attachmentRows();
    const seen = new Set();
    let expected = this.chipList.firstChild;
    for (const row of rows) {
      seen.add(row.id);
      const sig = JSON.stringify([row.name, row.size, row.state, row.progress, row.error]);
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
      if (record.node !== expected) this.chipList.insertBefore(record.node, expected);
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
    this.chipList.hidden = rows.length === 0;
  }

  /** @param {HTMLElement} node @param {any} row */
  fillChip(node, row) {
    node.dataset.state = row.state;
    node.dataset.id = row.id;
    node.className = `nemo-chip nemo-chip-${row.state}`;
    const file = row.job?.file;
    const iconThumb = () =>
      h("span", { class: "nemo-chip-thumb nemo-chip-icon" }, [
        fileIcon(row.name, file?.type ?? ""),
      ]);
    let thumb = iconThumb();
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
    }
    const percent = Math.round(Math.max(0, Math.min(1, row.progress)) * 100);
    const parts = [
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
    if (row.state !== "done") {
      const uploading = row.state === "uploading";
      const cancel = button("✕", `${uploading ? "Cancel" : "Remove"} ${row.name}`, {
        class: "nemo-chip-cancel",
        title: uploading ? "Cancel upload" : "Remove",
      });
      cancel.addEventListener("click", () => {
        if (row.local && row.state === "error") this.hub.dismissUpload(row.id);
        else this.hub.cancelUpload(row.id);
      });
      parts.push(cancel);
    }
    if (row.state === "error" && row.error) {
      parts.push(h("span", { class: "nemo-chip-message", text: row.error }));
    }
    node.replaceChildren(...parts);
  }

  // -- timeline

  timeline() {
    const value = this.model.get("timeline");
    return value && typeof value === "object" ? value : {};
  }

  /** @param {"timeline" | "table"} mode */
  setMode(mode) {
    this.mode = mode;
    this.timelineToggle.setAttribute("aria-pressed", String(mode === "timeline"));
    this.tableToggle.setAttribute("aria-pressed", String(mode === "table"));
    this.timelineView.hidden = mode !== "timeline";
    this.tableView.hidden = mode !== "table";
  }

  renderTimeline() {
    const { title, duration, tracks } = readTimeline(this.model.get("timeline"));
    this.timelineMeta.textContent = [title, duration > 0 ? formatSeconds(duration) : ""]
      .filter(Boolean)
      .join(" · ");
    if (duration <= 0 || !tracks.some((track) => track.segments.length)) {
      const hint = "Add photos and tell me what to make.";
      this.timelineView.replaceChildren(h("div", { class: "nemo-empty", text: hint }));
      this.tableView.replaceChildren(h("div", { class: "nemo-empty", text: hint }));
    } else {
      this.timelineView.replaceChildren(
        rulerRow(duration),
        ...tracks.map((track) => trackRow(track, duration)),
      );
      this.tableView.replaceChildren(trackTable(tracks));
    }
    this.setMode(this.mode);
  }

  // -- export and video

  renderExport() {
    const state = this.model.get("export") || {};
    const running = state.state === "rendering" || state.state === "downloading";
    const ready = Boolean(this.timeline().ready_for_export);
    this.exportButton.toggleAttribute("disabled", !ready || running);
    this.exportButton.textContent = running ? "Exporting…" : "Export video";
    this.progressWrap.hidden = !running;
    if (running) {
      const percent = Math.max(0, Math.min(100, Number(state.progress) || 0));
      this.progress.value = percent;
      this.progressLabel.textContent =
        state.state === "rendering" ? `Rendering ${Math.round(percent)}%` : "Downloading…";
    }
    const error = state.state === "error" ? String(state.error || "The export failed.") : "";
    this.exportError.textContent = error;
    this.exportError.hidden = !error;
  }

  renderVideo() {
    const video = this.model.get("video") || {};
    const token = video.token ?? null;
    if (token === this.video.token) return;
    this.teardownVideo();
    this.video.token = token;
    if (token == null) {
      this.videoWrap.hidden = true;
      return;
    }
    const element = /** @type {HTMLVideoElement} */ (
      h("video", {
        controls: true,
        playsinline: true,
        preload: "auto",
        "data-testid": "nemo-video",
        "aria-label": "Exported video",
      })
    );
    this.video.element = element;
    element.addEventListener("error", () => this.onVideoError(element));
    element.addEventListener("loadedmetadata", () => clearTimeout(this.video.timer));
    this.videoBox.replaceChildren(element);
    this.videoWrap.hidden = false;
    this.download.download = String(video.name || "video.mp4");
    this.download.textContent = `Download ${video.name || "video.mp4"}`;
    this.videoSize.textContent = formatBytes(Number(video.size) || 0);
    this.videoStatus.hidden = true;
    const url = mediaUrl(video.url);
    if (url) {
      element.src = url;
      this.download.href = url;
      this.video.timer = setTimeout(() => {
        if (element.readyState < 1) this.useKernelVideo();
      }, VIDEO_METADATA_TIMEOUT_MS);
    } else {
      this.useKernelVideo();
    }
    this.updateVideoFromHub();
  }

  /** @param {HTMLVideoElement} element */
  onVideoError(element) {
    if (element !== this.video.element) return;
    if (!this.video.usingBlob) this.useKernelVideo();
    else if (this.video.blobUrl && element.getAttribute("src") === this.video.blobUrl) {
      this.showVideoStatus("This browser cannot play the video here. Use the download link.");
    }
  }

  /** The URL did not load: play the MP4 from the kernel's chunks instead. */
  useKernelVideo() {
    if (this.video.usingBlob || !this.video.element) return;
    this.video.usingBlob = true;
    clearTimeout(this.video.timer);
    this.video.element.removeAttribute("src");
    this.download.removeAttribute("href");
    this.hub.requestVideo(this.video.token);
    this.updateVideoFromHub();
  }

  /** @param {string} text */
  showVideoStatus(text) {
    this.videoStatus.textContent = text;
    this.videoStatus.hidden = !text;
  }

  updateVideoFromHub() {
    const shared = this.hub.video;
    if (!this.video.usingBlob || !this.video.element || shared.token !== this.video.token) return;
    if (shared.state === "ready" && shared.blob) {
      if (!this.video.blobUrl) {
        this.video.blobUrl = URL.createObjectURL(shared.blob);
        this.video.element.src = this.video.blobUrl;
        this.download.href = this.video.blobUrl;
      }
      this.showVideoStatus("");
    } else if (shared.state === "fetching") {
      const percent = shared.size ? Math.round((shared.received / shared.size) * 100) : 0;
      this.showVideoStatus(`Loading the video from the notebook… ${percent}%`);
    } else if (shared.state === "error") {
      this.showVideoStatus(shared.error || "The video could not be loaded.");
    }
  }

  teardownVideo() {
    clearTimeout(this.video.timer);
    if (this.video.element) {
      this.video.element.removeAttribute("src");
      this.video.element.load();
      this.video.element.remove();
    }
    if (this.video.blobUrl) URL.revokeObjectURL(this.video.blobUrl);
    this.video = { token: null, element: null, blobUrl: null, usingBlob: false, timer: 0 };
    this.download.removeAttribute("href");
  }

  // -- cleanup

  dispose() {
    for (const dispose of this.disposers.splice(0)) dispose();
    this.cancelFrame?.();
    this.teardownVideo();
    for (const url of this.thumbs.values()) URL.revokeObjectURL(url);
    this.thumbs.clear();
    this.root.remove();
  }
}

// ----------------------------------------------------------------------------- entry points

/** @param {{model: AnyModel}} context */
function initialize({ model }) {
  const hub = new Hub(model);
  return () => hub.dispose();
}

/** @param {{model: AnyModel, el: HTMLElement}} context */
function render({ model, el }) {
  let hub = findHub(model);
  let ownHub = false;
  if (!hub) {
    hub = new Hub(model); // a host that did not call initialize: this view owns the transport
    ownHub = true;
  }
  const view = new StudioView(model, el, hub);
  return () => {
    view.dispose();
    if (ownHub) /** @type {Hub} */ (hub).dispose();
  };
}

export default { initialize, render };
