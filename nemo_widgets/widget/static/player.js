// VideoPlayer: one MP4 of the kernel's machine, played inline (nemo_widgets/widget/player.py).
//
// The `video` trait is the widget protocol's ({token, url, name, size}). The player tries
// `url` first; when it fails to load (an error, or no metadata within 4 s) or there is none,
// it sends `video_request` and the kernel streams the file as `video_chunk` messages with one
// binary buffer each, every one acknowledged with `video_ack`; the pieces become a Blob URL.
// `initialize` owns that transport (one per model, shared by its views), `render` the DOM.
// Self-contained: no imports, no build step.

const METADATA_TIMEOUT_MS = 4000;

/** @typedef {{get: (name: string) => any, on: Function, off: Function,
 *   send: (content: any, callbacks?: any, buffers?: any[]) => void}} AnyModel */

// ----------------------------------------------------------------------------- helpers

/** @param {number} bytes */
function formatBytes(bytes) {
  if (!Number.isFinite(bytes) || bytes < 0) return "";
  if (bytes < 1000) return `${bytes} B`;
  let value = bytes;
  let unit = "B";
  for (const next of ["kB", "MB", "GB", "TB"]) {
    if (value < 1000) break;
    value /= 1000;
    unit = next;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${unit}`;
}

/** @param {number} seconds */
function formatSeconds(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) return "";
  if (seconds >= 60) {
    const whole = Math.round(seconds);
    return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
  }
  return `${seconds.toFixed(1)} s`;
}

/** A buffer that came as DataView (Jupyter) or Uint8Array (Colab), as a Uint8Array view. */
function toBytes(/** @type {any} */ buffer) {
  if (buffer instanceof ArrayBuffer) return new Uint8Array(buffer);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** A URL fit for `<video src>`: http(s), or a same-origin relative path; else null. */
function mediaUrl(/** @type {unknown} */ raw) {
  if (typeof raw !== "string" || !raw.trim()) return null;
  const text = raw.trim();
  try {
    const url = new URL(text);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return text.startsWith("//") ? null : text; // relative: no scheme
  }
}

/**
 * @param {string} tag @param {Record<string, any>} [attrs] @param {(Node | string)[]} [children]
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

// ----------------------------------------------------------------------------- the hub

/** @type {Set<Hub>} */
const hubs = new Set();

/** Two model proxies of one widget share its trait objects (anywidget makes one per view). */
function sameModel(/** @type {AnyModel} */ a, /** @type {AnyModel} */ b) {
  if (a === b) return true;
  const video = a.get("video");
  return Boolean(video) && typeof video === "object" && video === b.get("video");
}

/** The MP4 of one model, assembled from the kernel's chunks; views subscribe to changes. */
class Hub {
  /** @param {AnyModel} model */
  constructor(model) {
    this.model = model;
    /** @type {Set<() => void>} */
    this.listeners = new Set();
    this.video = this.empty(model.get("video")?.token ?? null);
    this.disposed = false;
    this.onCustom = (/** @type {any} */ content, /** @type {any[]} */ buffers) =>
      this.onMessage(content, buffers);
    this.onVideo = () => this.onVideoTrait();
    model.on("msg:custom", this.onCustom);
    model.on("change:video", this.onVideo);
    hubs.add(this);
  }

  /** @param {number | null} token */
  empty(token) {
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

  dispose() {
    this.disposed = true;
    this.model.off("msg:custom", this.onCustom);
    this.model.off("change:video", this.onVideo);
    hubs.delete(this);
    this.listeners.clear();
    this.video = this.empty(null);
  }

  /** @param {() => void} listener */
  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit() {
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch (error) {
        console.error("[nemo-player]", error);
      }
    }
  }

  send(/** @type {any} */ content) {
    if (this.disposed) return;
    try {
      this.model.send(content);
    } catch (error) {
      console.warn("[nemo-player] could not send to the kernel", error);
    }
  }

  onVideoTrait() {
    const token = this.model.get("video")?.token ?? null;
    if (token === this.video.token) return;
    this.video = this.empty(token); // a new file: the old pieces are dropped
    this.emit();
  }

  /** Ask the kernel for the file (once, however many views ask). @param {any} token */
  request(token) {
    if (token == null || token !== this.video.token || this.video.state !== "idle") return;
    this.video.state = "fetching";
    this.video.size = Number(this.model.get("video")?.size) || 0;
    this.send({ type: "video_request", token });
    this.emit();
  }

  /** @param {any} content @param {any[]} [buffers] */
  onMessage(content, buffers = []) {
    if (this.disposed || !content || typeof content !== "object") return;
    if (content.type === "video_chunk") this.onChunk(content, buffers?.[0]);
    else if (content.type === "video_error") this.onError(content);
  }

  /** @param {any} content @param {any} buffer */
  onChunk(content, buffer) {
    // Always acknowledged, so that the kernel's stream never waits for a piece dropped here.
    this.send({ type: "video_ack", token: content.token, seq: content.seq });
    const video = this.video;
    if (content.token !== video.token || video.state !== "fetching" || !buffer) return;
    const seq = Number(content.seq);
    if (!Number.isInteger(seq) || seq < 0 || video.parts[seq]) return;
    const bytes = toBytes(buffer);
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
    this.emit();
  }

  /** @param {any} content */
  onError(content) {
    // A late error of a video already whole changes nothing: it plays.
    if (content.token !== this.video.token || this.video.state === "ready") return;
    this.video.state = "error";
    this.video.parts = [];
    this.video.error = String(content.message || "The video could not be loaded.");
    this.emit();
  }
}

function findHub(/** @type {AnyModel} */ model) {
  for (const hub of hubs) if (sameModel(hub.model, model)) return hub;
  return null;
}

// ----------------------------------------------------------------------------- the view

class PlayerView {
  /** @param {AnyModel} model @param {HTMLElement} el @param {Hub} hub */
  constructor(model, el, hub) {
    this.model = model;
    this.hub = hub;
    this.box = h("div", { class: "nemo-player-box" });
    this.status = h("div", { class: "nemo-player-status", "data-testid": "nemo-player-status" });
    this.errorLine = h("div", {
      class: "nemo-player-error",
      role: "alert",
      "data-testid": "nemo-player-error",
      hidden: true,
    });
    this.name = h("span", { class: "nemo-player-name", "data-testid": "nemo-player-name" });
    this.details = h("span", { class: "nemo-player-details", "data-testid": "nemo-player-meta" });
    this.download = /** @type {HTMLAnchorElement} */ (
      h("a", {
        class: "nemo-player-download",
        "data-testid": "nemo-player-download",
        target: "_blank",
        rel: "noopener",
        text: "Download",
        hidden: true,
      })
    );
    this.root = h("div", { class: "nemo-player", "data-testid": "nemo-player" }, [
      this.box,
      this.status,
      this.errorLine,
      h("div", { class: "nemo-player-meta" }, [this.name, this.details, this.download]),
    ]);
    el.append(this.root);
    this.current = this.blank();

    this.handlers = /** @type {[string, Function][]} */ ([
      ["change:video", () => this.show()],
      ["change:error", () => this.show(true)],
      ["change:width", () => this.applyWidth()],
    ]);
    for (const [name, handler] of this.handlers) model.on(name, handler);
    this.unsubscribe = hub.subscribe(() => this.fromHub());
    this.applyWidth();
    this.show();
  }

  blank() {
    return {
      /** @type {any} */
      token: null,
      /** @type {HTMLVideoElement | null} */
      element: null,
      /** @type {string | null} */
      blobUrl: null,
      fromKernel: false,
      timer: /** @type {any} */ (0),
      duration: NaN,
    };
  }

  applyWidth() {
    const width = String(this.model.get("width") || "");
    this.root.style.width = width;
    this.root.style.maxWidth = width ? "100%" : "";
  }

  /** Start over with the model's video (when it changed, or `force`). */
  show(force = false) {
    const video = this.model.get("video") || {};
    const token = video.token ?? null;
    if (!force && token === this.current.token && this.current.element) return;
    this.teardown();
    this.current.token = token;
    this.name.textContent = String(video.name || "");
    this.name.title = String(video.name || "");
    this.updateDetails();
    this.setError("");
    if (token == null) {
      this.setStatus("No video.");
      return;
    }
    const element = /** @type {HTMLVideoElement} */ (
      h("video", {
        controls: true,
        playsinline: true,
        preload: "metadata",
        "data-testid": "nemo-player-video",
        "aria-label": String(video.name || "video"),
        hidden: true,
      })
    );
    this.current.element = element;
    element.addEventListener("error", () => this.onElementError(element));
    element.addEventListener("loadedmetadata", () => {
      if (element !== this.current.element) return;
      clearTimeout(this.current.timer);
      this.current.duration = element.duration;
      this.updateDetails();
    });
    this.box.replaceChildren(element);
    const url = mediaUrl(video.url);
    if (url) {
      element.src = url;
      element.hidden = false;
      this.setLink(url);
      this.setStatus("");
      this.current.timer = setTimeout(() => {
        if (element.readyState < 1) this.useKernel();
      }, METADATA_TIMEOUT_MS);
    } else {
      this.useKernel();
    }
  }

  /** The URL did not load (or there is none): the file from the kernel, in pieces. */
  useKernel() {
    const element = this.current.element;
    if (this.current.fromKernel || !element) return;
    this.current.fromKernel = true;
    clearTimeout(this.current.timer);
    element.removeAttribute("src");
    element.hidden = true;
    this.setLink(null);
    const missing = String(this.model.get("error") || "");
    if (missing) {
      this.setStatus("");
      this.setError(missing);
      return;
    }
    this.hub.request(this.current.token);
    this.fromHub();
  }

  /** @param {HTMLVideoElement} element */
  onElementError(element) {
    if (element !== this.current.element) return;
    if (!this.current.fromKernel) this.useKernel();
    else if (this.current.blobUrl && element.getAttribute("src") === this.current.blobUrl) {
      this.setStatus("This browser cannot play this video here: use the download link.");
    }
  }

  fromHub() {
    const shared = this.hub.video;
    const current = this.current;
    if (!current.fromKernel || !current.element || shared.token !== current.token) return;
    if (shared.state === "ready" && shared.blob) {
      if (!current.blobUrl) {
        current.blobUrl = URL.createObjectURL(shared.blob);
        current.element.src = current.blobUrl;
        current.element.hidden = false;
        this.setLink(current.blobUrl);
      }
      this.setStatus("");
    } else if (shared.state === "fetching") {
      const percent = shared.size ? Math.round((shared.received / shared.size) * 100) : 0;
      this.setStatus(`Loading the video from the notebook… ${percent}%`);
    } else if (shared.state === "error") {
      this.setStatus("");
      this.setError(shared.error || "The video could not be loaded.");
    } else if (shared.state === "idle") {
      this.hub.request(current.token); // a new video while this view waited
    }
  }

  updateDetails() {
    const size = Number(this.model.get("video")?.size) || 0;
    const parts = [];
    if (size > 0) parts.push(formatBytes(size));
    if (Number.isFinite(this.current.duration)) parts.push(formatSeconds(this.current.duration));
    this.details.textContent = parts.join(" · ");
  }

  /** @param {string | null} href */
  setLink(href) {
    if (href) {
      this.download.href = href;
      this.download.download = String(this.model.get("video")?.name || "video.mp4");
      this.download.hidden = false;
    } else {
      this.download.removeAttribute("href");
      this.download.hidden = true;
    }
  }

  /** @param {string} text */
  setStatus(text) {
    this.status.textContent = text;
    this.status.hidden = !text;
  }

  /** @param {string} text */
  setError(text) {
    this.errorLine.textContent = text;
    this.errorLine.hidden = !text;
    this.root.classList.toggle("nemo-player-failed", Boolean(text));
  }

  teardown() {
    const current = this.current;
    clearTimeout(current.timer);
    if (current.element) {
      current.element.removeAttribute("src");
      current.element.load(); // lets go of the stream or the Blob
      current.element.remove();
    }
    if (current.blobUrl) URL.revokeObjectURL(current.blobUrl);
    this.current = this.blank();
    this.setLink(null);
  }

  dispose() {
    for (const [name, handler] of this.handlers) this.model.off(name, handler);
    this.unsubscribe();
    this.teardown();
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
  const ownHub = !hub;
  if (!hub) hub = new Hub(model); // a host that did not call initialize: this view owns it
  const view = new PlayerView(model, el, hub);
  return () => {
    view.dispose();
    if (ownHub) /** @type {Hub} */ (hub).dispose();
  };
}

export default { initialize, render };
