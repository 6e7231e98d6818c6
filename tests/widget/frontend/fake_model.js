// A stand-in for anywidget's model proxy and for the kernel side of the custom messages.
//
// FakeModel keeps traits and listeners like a Backbone widget model; proxy() gives objects
// shaped like anywidget's model proxy (a new one per view, as anywidget does), so the front
// end must find its shared state without relying on object identity of the proxy.
// FakeKernel answers uploads (acks after a delay, reassembles bytes) and video requests
// (chunks as Uint8Array, as Colab delivers them, or DataView, as Jupyter does).

export const DEFAULT_STATE = {
  backend: "Local engine",
  session_id: "",
  messages: [],
  busy: false,
  queued: 0,
  attachments: [],
  timeline: {
    title: null,
    duration_s: 0,
    width: null,
    height: null,
    ready_for_export: false,
    summary: "Timeline (0 tracks): empty",
    tracks: [],
  },
  credits: "Unlimited credits",
  export: { state: "idle", progress: 0, error: null },
  video: {},
  upload_chunk_size: 1048576,
  upload_window: 8,
  max_upload_bytes: 512 * 1048576,
  debug: false,
};

/** JSON round trip: every trait value the kernel sends is a fresh object, as over the wire. */
const wire = (value) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

const bytesOf = (buffer) =>
  buffer instanceof ArrayBuffer
    ? new Uint8Array(buffer)
    : new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);

export class FakeModel {
  constructor(state = {}) {
    this.state = wire({ ...DEFAULT_STATE, ...state });
    /** @type {{name: string, callback: Function, context: any}[]} */
    this.listeners = [];
    /** Every message the front end sent: {content, buffers: [byteLength...], at}. */
    this.sent = [];
    /** @type {((content: any, buffers: Uint8Array[]) => void) | null} */
    this.onSend = null;
  }

  get(name) {
    return this.state[name];
  }

  set(name, value) {
    this.state[name] = value;
    this.trigger(`change:${name}`, value);
  }

  save_changes() {}

  on(name, callback, context = null) {
    this.listeners.push({ name, callback, context });
  }

  off(name, callback, context = null) {
    this.listeners = this.listeners.filter(
      (entry) =>
        !(
          (name == null || entry.name === name) &&
          (callback == null || entry.callback === callback) &&
          (context == null || entry.context === context)
        ),
    );
  }

  trigger(name, ...args) {
    for (const entry of [...this.listeners]) {
      if (entry.name === name) entry.callback.call(entry.context, ...args);
    }
  }

  send(content, _callbacks, buffers = []) {
    const bytes = (buffers || []).map(bytesOf);
    this.sent.push({
      content: wire(content),
      buffers: bytes.map((b) => b.byteLength),
      at: performance.now(),
    });
    this.onSend?.(wire(content), bytes);
  }

  // -- what the kernel does

  /** A trait change from the kernel (Backbone passes model, value, options). */
  push(name, value) {
    this.state[name] = wire(value);
    this.trigger(`change:${name}`, this, this.state[name], {});
  }

  /** A custom message from the kernel. */
  custom(content, buffers = []) {
    this.trigger("msg:custom", wire(content), buffers);
  }

  /** A proxy like anywidget's: listeners are tagged with the view's context. */
  proxy(context = {}) {
    return {
      get: this.get.bind(this),
      set: this.set.bind(this),
      save_changes: this.save_changes.bind(this),
      send: this.send.bind(this),
      on: (name, callback) => this.on(name, callback, context),
      off: (name, callback) => this.off(name, callback, context),
      widget_manager: {},
      context,
    };
  }

  /** Listeners still registered for a context (to check cleanup). */
  listenerCount(context) {
    return this.listeners.filter((entry) => context == null || entry.context === context).length;
  }
}

export class FakeKernel {
  /**
   * @param {FakeModel} model
   * @param {{ackDelayMs?: number, autoAck?: boolean, listAttachments?: boolean,
   *   videoUrl?: string, videoChunkSize?: number, videoWindow?: number,
   *   bufferKind?: "Uint8Array" | "DataView"}} options
   */
  constructor(model, options = {}) {
    this.model = model;
    this.options = {
      ackDelayMs: 20,
      autoAck: true,
      listAttachments: true,
      videoChunkSize: 64 * 1024,
      videoWindow: 8,
      bufferKind: "Uint8Array",
      ...options,
    };
    /** upload id -> {name, size, bytes, received, outstanding, maxOutstanding, ended, cancelled} */
    this.uploads = new Map();
    /** Acks held back while autoAck is off: [id, seq][] */
    this.heldAcks = [];
    this.maxOutstanding = 0;
    this.video = null;
    model.onSend = (content, buffers) => this.receive(content, buffers);
  }

  receive(content, buffers) {
    const handler = {
      upload_begin: () => this.uploadBegin(content),
      upload_chunk: () => this.uploadChunk(content, buffers[0]),
      upload_end: () => this.uploadEnd(content),
      upload_cancel: () => this.uploadCancel(content),
      video_request: () => this.videoRequest(content),
      video_ack: () => this.videoAck(content),
    }[content.type];
    handler?.();
  }

  // -- uploads

  uploadBegin({ id, name, size }) {
    this.uploads.set(id, {
      name,
      size,
      bytes: new Uint8Array(size),
      received: 0,
      outstanding: 0,
      maxOutstanding: 0,
      ended: false,
      cancelled: false,
    });
    this.pushAttachments();
  }

  uploadChunk({ id, seq, offset }, bytes) {
    const upload = this.uploads.get(id);
    if (!upload || upload.cancelled) return;
    upload.bytes.set(bytes, offset);
    upload.received += bytes.byteLength;
    upload.outstanding += 1;
    upload.maxOutstanding = Math.max(upload.maxOutstanding, upload.outstanding);
    this.maxOutstanding = Math.max(this.maxOutstanding, upload.outstanding);
    if (this.options.autoAck) setTimeout(() => this.ack(id, seq), this.options.ackDelayMs);
    else this.heldAcks.push([id, seq]);
  }

  ack(id, seq) {
    const upload = this.uploads.get(id);
    if (!upload) return;
    upload.outstanding -= 1;
    this.model.custom({ type: "upload_ack", id, received: upload.received, acked: [seq] });
    this.pushAttachments();
  }

  releaseAcks() {
    const held = this.heldAcks.splice(0);
    for (const [id, seq] of held) this.ack(id, seq);
    this.options.autoAck = true;
  }

  uploadEnd({ id }) {
    const upload = this.uploads.get(id);
    if (!upload) return;
    upload.ended = true;
    upload.outstandingAtEnd = upload.outstanding; // 0 unless the end came before the last ack
    this.pushAttachments();
  }

  uploadCancel({ id }) {
    const upload = this.uploads.get(id);
    if (upload) upload.cancelled = true;
    this.pushAttachments();
  }

  pushAttachments() {
    if (!this.options.listAttachments) return;
    const list = [];
    for (const [id, upload] of this.uploads) {
      if (upload.cancelled) continue;
      const done = upload.ended && upload.received === upload.size;
      list.push({
        id,
        name: upload.name,
        size: upload.size,
        state: done ? "done" : "uploading",
        progress: upload.size ? upload.received / upload.size : 1,
        error: null,
      });
    }
    this.model.push("attachments", list);
  }

  async sha256(id) {
    const upload = this.uploads.get(id);
    const digest = await crypto.subtle.digest("SHA-256", upload.bytes);
    return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
  }

  // -- video: chunks in a window, each waiting for its ack

  async videoRequest({ token }) {
    const response = await fetch(this.options.videoUrl);
    const whole = new Uint8Array(await response.arrayBuffer());
    // One big buffer with views into it: a front end that used `view.buffer` alone would
    // get the whole file for every chunk.
    this.video = { token, whole, nextSeq: 0, inflight: 0, acked: [] };
    this.pumpVideo();
  }

  pumpVideo() {
    const video = this.video;
    const size = this.options.videoChunkSize;
    const count = Math.ceil(video.whole.byteLength / size);
    while (video.nextSeq < count && video.inflight < this.options.videoWindow) {
      const seq = video.nextSeq++;
      const start = seq * size;
      const end = Math.min(video.whole.byteLength, start + size);
      const view =
        this.options.bufferKind === "DataView"
          ? new DataView(video.whole.buffer, start, end - start)
          : new Uint8Array(video.whole.buffer, start, end - start);
      video.inflight += 1;
      this.model.custom(
        {
          type: "video_chunk",
          token: video.token,
          seq,
          last: seq === count - 1,
          size: video.whole.byteLength,
        },
        [view],
      );
    }
  }

  videoAck({ seq }) {
    if (!this.video) return;
    this.video.inflight -= 1;
    this.video.acked.push(seq);
    setTimeout(() => this.pumpVideo(), 0);
  }
}

/** sha256 hex of bytes or a Blob, for the tests. */
export async function sha256Hex(data) {
  const bytes = data instanceof Blob ? await data.arrayBuffer() : data;
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
