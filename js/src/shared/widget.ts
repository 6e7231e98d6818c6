// The entry both widgets export: anywidget calls the default export once per model, so the
// closure holds that model's transport (made by `initialize`, shared by its views) and views
// need not guess which model they show.
import type { AnyModel, Widget } from "./model";

interface Disposable {
  dispose(): void;
}

/**
 * A widget factory from its transport (one per model) and its view (one per output area).
 * A host that does not call `initialize` still works: each view then owns a transport.
 */
export function widget<T extends Disposable>(
  Transport: new (model: AnyModel) => T,
  View: new (model: AnyModel, el: HTMLElement, transport: T) => Disposable,
): () => Widget {
  return () => {
    let shared: T | null = null;
    return {
      initialize({ model }) {
        const own = new Transport(model);
        shared = own;
        return () => {
          own.dispose();
          if (shared === own) shared = null;
        };
      },
      render({ model, el }) {
        const own = shared ? null : new Transport(model);
        const view = new View(model, el, shared ?? (own as T));
        return () => {
          view.dispose();
          own?.dispose();
        };
      },
    };
  };
}
