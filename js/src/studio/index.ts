// NemoStudio's front end (docs/widget-protocol.md).
//
// The default export is the factory anywidget calls once per model (shared/widget.ts):
// `initialize` makes that model's Hub (the transport: events, polling, uploads, video) and the
// closure keeps it for every `render`, which makes one view (the DOM); several output areas
// showing one studio share the Hub.
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
import "./views/preview.css";
import "./views/export.css";
import "./views/empty-state.css";
import "./motion.css";

import { widget } from "../shared/widget";
import { Hub } from "./hub/hub";
import { StudioView } from "./views/studio-view";

export default widget(Hub, StudioView);
