// VideoPlayer: one MP4 of the kernel's machine, played inline (nemo_widgets/widget/player.py).
// The default export is the factory anywidget calls once per model (shared/widget.ts).
import "./player.css";
import { widget } from "../shared/widget";
import { PlayerTransport } from "./transport";
import { PlayerView } from "./view";

export default widget(PlayerTransport, PlayerView);
