// VideoPlayer: one MP4 of the kernel's machine, played inline (nemo_widgets/widget/player.py).
//
// anywidget calls the default export once per model: the closure holds that model's transport
// (made by `initialize`, shared by its views), so views need not guess which model they show.
import "./player.css";
import type { Widget } from "../shared/model";
import { PlayerTransport } from "./transport";
import { PlayerView } from "./view";

export default (): Widget => {
  let transport: PlayerTransport | null = null;
  return {
    initialize({ model }) {
      const own = new PlayerTransport(model);
      transport = own;
      return () => {
        own.dispose();
        if (transport === own) transport = null;
      };
    },
    render({ model, el }) {
      // A host that did not call initialize: this view owns a transport of its own.
      const own = transport ? null : new PlayerTransport(model);
      const view = new PlayerView(model, el, transport ?? (own as PlayerTransport));
      return () => {
        view.dispose();
        own?.dispose();
      };
    },
  };
};
