// @ts-check
// Screen sharing's rules, pure: the stages an official goes through (nothing reaches the booth
// before "Show to the citizen"), and which of the booth's transceivers carries the window.

/** @typedef {"idle" | "choosing" | "preview" | "sharing"} Stage */
/** @typedef {"start" | "picked" | "cancel" | "confirm" | "stop" | "ended" | "call-over"} ShareAction */

/**
 * The next stage. A window is only ever sent from "sharing", reached from the preview by
 * "confirm"; the browser ending the capture ("ended") or the call ending goes back to idle.
 * @param {Stage} stage @param {ShareAction} action @returns {Stage}
 */
export function nextShare(stage, action) {
  if (action === "call-over" || action === "ended" || action === "stop" || action === "cancel") return "idle";
  if (action === "start" && stage === "idle") return "choosing";
  if (action === "picked" && stage === "choosing") return "preview";
  if (action === "confirm" && stage === "preview") return "sharing";
  return stage;
}

/**
 * The booth's receive-only transceiver for a shared window: the second video m-line of its offer
 * (the first is the booth's camera). Null for a booth that offers none (an older kiosk).
 * @template {{ receiver: { track: { kind: string } } }} T
 * @param {readonly T[]} transceivers in m-line order @returns {T | null}
 */
export function shareTransceiver(transceivers) {
  const video = transceivers.filter((tr) => tr.receiver.track.kind === "video");
  return video.length >= 2 ? video[1] : null;
}
