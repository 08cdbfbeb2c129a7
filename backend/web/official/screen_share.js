// @ts-check
// "Share a window": pick it (getDisplayMedia), see it in a preview, and only on "Show to the
// citizen" does it go to the booth, on the booth's receive-only share transceiver (replaceTrack:
// aiortc cannot renegotiate), with share.state telling the booth to show it. A bar says
// "You are sharing" with one "Stop sharing" click. The rules are in share_flow.js.

import { send } from "./connection.js";
import { el } from "./dom.js";
import { t } from "./i18n.js";
import { nextShare, shareTransceiver } from "./share_flow.js";
import { state } from "./state.js";
import { setStatus } from "./status.js";

/** @type {import("./share_flow.js").Stage} */
let stage = "idle";
/** @type {MediaStream | null} */
let stream = null;

/** The stage now (read through a call: it changes while getDisplayMedia waits). @returns {import("./share_flow.js").Stage} */
function currentStage() {
  return stage;
}

/** @param {import("./share_flow.js").ShareAction} action */
function go(action) {
  stage = nextShare(stage, action);
  el.shareStart.hidden = stage !== "idle";
  el.sharePreview.hidden = stage !== "preview";
  el.shareBar.hidden = stage !== "sharing";
}

function releaseStream() {
  if (stream) for (const track of stream.getTracks()) track.stop();
  stream = null;
  el.shareVideo.srcObject = null;
}

/**
 * Before answering the booth's offer: its share m-line is answered "sendonly" (with the window
 * when sharing already, e.g. after the booth started the connection over).
 * @param {RTCPeerConnection} pc
 */
export function prepareShareTransceiver(pc) {
  const transceiver = shareTransceiver(pc.getTransceivers());
  if (!transceiver) return;
  transceiver.direction = "sendonly";
  const track = stage === "sharing" && stream ? stream.getVideoTracks()[0] : null;
  if (track) void transceiver.sender.replaceTrack(track);
}

/** "Share a window": the browser asks which; the chosen one is shown here only. */
export async function startShare() {
  if (!state.call || stage !== "idle") return;
  go("start");
  try {
    stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
  } catch {
    go("cancel"); // the official closed the browser's chooser
    return;
  }
  if (!state.call || currentStage() !== "choosing") {
    releaseStream();
    return;
  }
  const [track] = stream.getVideoTracks();
  track.addEventListener("ended", () => stopShare()); // the browser's own "Stop sharing"
  el.shareVideo.srcObject = stream;
  go("picked");
}

/** "Show to the citizen": the confirmed window goes to the booth. */
export async function confirmShare() {
  const call = state.call;
  const transceiver = call && call.pc ? shareTransceiver(call.pc.getTransceivers()) : null;
  if (!call || !stream || stage !== "preview") return;
  if (!transceiver) {
    setStatus(t("This booth cannot show a shared window."), "error");
    return;
  }
  await transceiver.sender.replaceTrack(stream.getVideoTracks()[0]);
  send({ type: "share.state", session_id: call.sessionId, sharing: true });
  go("confirm");
}

/** "Stop sharing" (or "Cancel" on the preview): nothing more of the window leaves this page. */
export function stopShare() {
  const call = state.call;
  if (stage === "sharing" && call) {
    send({ type: "share.state", session_id: call.sessionId, sharing: false });
    const transceiver = call.pc ? shareTransceiver(call.pc.getTransceivers()) : null;
    if (transceiver) void transceiver.sender.replaceTrack(null);
  }
  releaseStream();
  go("stop");
}

/**
 * Back on a new socket in the same call (only the socket dropped, the page stayed): the server took
 * the window down at the booth when the old socket went (no frozen frame), so show it again.
 */
export function reassertShare() {
  const call = state.call;
  if (stage === "sharing" && call) send({ type: "share.state", session_id: call.sessionId, sharing: true });
}

/** The call ended: stop capturing (the booth's connection is gone anyway). */
export function endShare() {
  releaseStream();
  go("call-over");
}
