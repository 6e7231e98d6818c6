// The lifecycle banner: after a kernel restart or a closed comm this view can no longer reach
// its studio. It says so, disables the controls and keeps what was typed.
import { h } from "../../shared/dom";

export const DISCONNECTED_CLASS = "jupyter-widgets-disconnected"; // set by the widget manager

export class Banner {
  readonly el = h("div", {
    class: "nemo-banner",
    role: "alert",
    "data-testid": "nemo-banner",
    hidden: true,
  });

  show(text: string): void {
    this.el.textContent = text;
    this.el.hidden = false;
  }

  hide(): void {
    this.el.hidden = true;
  }
}

/** Whether the widget manager marked the view's element (or an ancestor) disconnected. */
export function isDisconnected(el: Element): boolean {
  return Boolean(el.closest(`.${DISCONNECTED_CLASS}`));
}

/** The slice of a Jupyter kernel connection (@jupyterlab/services) the banner listens to. */
interface KernelSignal {
  connect(slot: (sender: unknown, status: string) => void): unknown;
  disconnect(slot: (sender: unknown, status: string) => void): unknown;
}

/** Calls `lost` when the kernel behind `manager` (anywidget's `model.widget_manager`, which
 * JupyterLab and Notebook 7 give a `kernel`) restarts or dies; returns the unsubscribe. */
export function watchKernel(manager: unknown, lost: () => void): () => void {
  const kernel = (manager as { kernel?: { statusChanged?: KernelSignal } } | undefined)?.kernel;
  const signal = kernel?.statusChanged;
  if (!signal || typeof signal.connect !== "function") return () => undefined;
  const slot = (_sender: unknown, status: string): void => {
    if (status === "restarting" || status === "autorestarting" || status === "dead") lost();
  };
  signal.connect(slot);
  return () => void signal.disconnect(slot);
}
