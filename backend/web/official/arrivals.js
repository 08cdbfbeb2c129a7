// @ts-check
// The lobby's news: presence snapshots (who waits, which booths are up, a
// pressed call button), citizens routed to us (session.offer) and booked
// citizens checking in (booking.arrived). New arrivals chime and are
// highlighted; the rules about offers are in lobby.js.

import { teardownCall } from "./call.js";
import { el } from "./dom.js";
import { t } from "./i18n.js";
import { matterName, offerStatusText, pruneOffers, recordOffer } from "./lobby.js";
import { render, renderBooths, renderLobby, renderTitle } from "./render.js";
import { chime } from "./sound.js";
import { state } from "./state.js";
import { clearStatus, setStatus } from "./status.js";

/** @typedef {import("./protocol.js").Presence} Presence */
/** @typedef {import("./protocol.js").BookingArrived} BookingArrived */
/** @typedef {import("./protocol.js").SessionOffer} SessionOffer */

/** @param {Presence} message */
export function onPresence(message) {
  state.booths = message.booths;
  state.lobby = message.lobby;
  const ids = new Set(message.lobby.map((entry) => entry.session_id));
  // New = not in the previous snapshot, so a reconnect does not re-announce
  // everyone, but a citizen who comes back to the lobby is announced again.
  const fresh = message.lobby
    .map((entry) => entry.session_id)
    .filter((id) => !state.previousLobbyIds.has(id));
  state.previousLobbyIds = ids;
  const offersBefore = state.offers;
  state.offers = pruneOffers(state.offers, ids, Date.now());
  for (const sessionId of offersBefore.keys()) {
    if (!state.offers.has(sessionId)) clearStatus(offerStatusKey(sessionId)); // no longer waiting for us
  }
  if (state.call && ids.has(state.call.sessionId)) {
    // Our call is waiting in the lobby again: the server returned the citizen
    // there (it does so when our connection drops mid-call) and will not send
    // session.ended. Close our side; the official can admit them again.
    teardownCall();
    setStatus(t("Call interrupted: the connection to the server was lost. The citizen is back in the lobby."),
      "error");
    render();
  }
  // A booth whose call button was just pressed: sound and highlight, like a new arrival.
  const newAlerts = message.booths
    .filter((b) => b.assist === "requested" && state.previousAssist.get(b.booth_id) !== "requested")
    .map((b) => b.booth_id);
  state.previousAssist = new Map(message.booths.map((b) => [b.booth_id, b.assist || "none"]));
  renderLobby(fresh);
  renderBooths();
  renderTitle();
  if (fresh.length || newAlerts.length) chime();
}

/**
 * Our booked citizen checked in at a booth: a pop-up at once, with a sound. Not the status
 * line: the offer that follows in the same instant would overwrite it there. It stays until
 * the official closes it or admits that citizen.
 * @param {BookingArrived} message
 */
export function onBookingArrived(message) {
  // The service point's time (Finland), wherever the official happens to be.
  const at = new Date(message.starts_at * 1000).toLocaleTimeString("fi-FI",
    { hour: "numeric", minute: "2-digit", timeZone: "Europe/Helsinki" });
  el.arrivalText.textContent = t("Your {time} citizen ({service}) has checked in at {booth} and is waiting in the lobby.",
    { time: at, service: matterName(message), booth: message.booth_name });
  el.arrival.dataset.sessionId = message.session_id;
  el.arrival.hidden = false;
  chime();
}

/** Close the arrival pop-up (OK, or that citizen admitted). @param {string | null} [sessionId] only if it is theirs */
export function closeArrival(sessionId = null) {
  if (sessionId === null || el.arrival.dataset.sessionId === sessionId) el.arrival.hidden = true;
}

/**
 * The backend routed a waiting citizen to us. The page does not know its own
 * official id, so "offered to me" means "we got a session.offer for it"; the
 * offer is forgotten when the citizen leaves the lobby (see onPresence).
 * @param {SessionOffer} message
 */
export function onSessionOffer(message) {
  const { offers, isNew } = recordOffer(state.offers, message, Date.now(), state.previousLobbyIds);
  state.offers = offers;
  renderLobby();
  if (!isNew) return; // resent: already announced
  setStatus(offerStatusText(message), "info", offerStatusKey(message.session_id));
  chime();
}

/** @param {string} sessionId */
function offerStatusKey(sessionId) {
  return `offer:${sessionId}`;
}
