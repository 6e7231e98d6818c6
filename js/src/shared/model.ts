// The slice of anywidget's model proxy the widgets use, and small typed readers of its values.

/** anywidget's model proxy (one per view; `initialize` gets its own). */
export interface AnyModel {
  get(name: string): unknown;
  set(name: string, value: unknown): void;
  save_changes(): void;
  send(content: object, callbacks?: unknown, buffers?: ArrayBuffer[]): void;
  on(name: string, callback: (...args: never[]) => void): void;
  off(name?: string | null, callback?: ((...args: never[]) => void) | null): void;
  /** Jupyter's widget manager (its shape depends on the front end). */
  widget_manager?: unknown;
}

/** What anywidget passes to `initialize` and `render`. */
export interface InitializeContext {
  model: AnyModel;
}
export interface RenderContext {
  model: AnyModel;
  el: HTMLElement;
}
export type Cleanup = () => void;

/** A widget's entry: anywidget calls the default export once per model (a factory). */
export interface Widget {
  initialize(context: InitializeContext): Cleanup;
  render(context: RenderContext): Cleanup;
}

/** `value` as a plain object (kernel data is never trusted), or null. */
export function asRecord(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

/** Model listeners added through `on`, all removed by `dispose`. */
export class ModelListeners {
  private readonly entries: [string, (...args: never[]) => void][] = [];

  constructor(private readonly model: AnyModel) {}

  on(name: string, callback: (...args: never[]) => void): void {
    this.model.on(name, callback);
    this.entries.push([name, callback]);
  }

  dispose(): void {
    for (const [name, callback] of this.entries.splice(0)) this.model.off(name, callback);
  }
}

/** Listeners of one kind of change, each called safely (one failing view spoils nothing). */
export class Emitter<T> {
  private readonly listeners = new Set<(detail: T) => void>();

  constructor(private readonly tag: string) {}

  subscribe(listener: (detail: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(detail: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(detail);
      } catch (error) {
        console.error(`[${this.tag}]`, error);
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
