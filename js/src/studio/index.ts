// NemoStudio's front end (docs/widget-protocol.md).
//
// anywidget calls the default export once per model. `initialize` makes that model's Hub (the
// transport: events, polling, uploads, video) and the closure keeps it for every `render`,
// which makes one view (the DOM); several output areas showing one studio share the Hub.
//
// Safety rule for the whole front end: text from the kernel only ever reaches the page through
// textContent, text nodes or attribute values, never as HTML.

// The stylesheet, in cascade order (bundled into studio.css); each file sits beside its part.
import "./studio.css";
import "./views/header.css";
import "./views/layout.css";
import "./views/chat.css";
import "./markdown/markdown.css";
import "./views/question.css";
import "./views/composer.css";
import "./views/attachments.css";
import "./views/drop.css";
import "./timeline/timeline.css";
import "./views/export.css";
import "./motion.css";

import type { Widget } from "../shared/model";
import { Hub } from "./hub/hub";
import { StudioView } from "./views/studio-view";

export default (): Widget => {
  let hub: Hub | null = null;
  return {
    initialize({ model }) {
      const own = new Hub(model);
      hub = own;
      return () => {
        own.dispose();
        if (hub === own) hub = null;
      };
    },
    render({ model, el }) {
      // A host that did not call initialize: this view owns a transport of its own.
      const own = hub ? null : new Hub(model);
      const view = new StudioView(model, el, hub ?? (own as Hub));
      return () => {
        view.dispose();
        own?.dispose();
      };
    },
  };
};
