// @ts-check
// The websocket to the backend: open it, say hello, wait for the welcome,
// reconnect with backoff when it drops, and send messages once welcomed.
// Frames are handed on as text (app.js checks and dispatches them); what to
// do when the socket closes is app.js's business too.

import { errorText } from "./format.js";
import { backoff, frame, helloMessage } from "./signalling.js";
import { state } from "./state.js";

const WELCOME_TIMEOUT_MS = 10_000; // an open socket without a welcome is retried

/** @type {{ onFrame: (text: string) => void, onClosed: () => void, onChange: () => void }} */
const hooks = { onFrame: () => {}, onClosed: () => {}, onChange: () => {} };

/**
 * Where the connection reports: each frame's text, the socket having closed
 * (the reconnect is already scheduled), and a change to show.
 * @param {typeof hooks} handlers
 */
export function configureConnection(handlers) {
  Object.assign(hooks, handlers);
}

/** Open the socket, unless signed out or already open. */
export function connect() {
  if (state.phase === "login" || state.ws) return;
  clearTimeout(state.reconnectTimer);
  state.reconnectTimer = undefined;
  const url = `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/ws`;
  /** @type {WebSocket} */
  let ws;
  try {
    ws = new WebSocket(url);
  } catch (err) {
    console.warn("Could not open the websocket:", errorText(err));
    scheduleReconnect();
    return;
  }
  state.ws = ws;
  hooks.onChange();

  ws.addEventListener("open", () => {
    if (ws !== state.ws || !state.token) return;
    ws.send(frame(helloMessage(state.token, state.resumeToken)));
    // A socket that opens but is never welcomed would otherwise hang forever.
    state.welcomeTimer = setTimeout(() => {
      if (ws === state.ws && !state.connected) ws.close(4000, "no welcome");
    }, WELCOME_TIMEOUT_MS);
  });
  ws.addEventListener("message", (event) => {
    if (ws === state.ws) hooks.onFrame(String(event.data));
  });
  ws.addEventListener("close", () => {
    if (ws !== state.ws) return; // replaced or signed out
    state.ws = null;
    state.connected = false;
    clearTimeout(state.welcomeTimer);
    scheduleReconnect();
    hooks.onClosed();
  });
  // "error" is always followed by "close", which does the work.
}

/** The welcome arrived: the socket is live and the backoff starts over. */
export function welcomed() {
  clearTimeout(state.welcomeTimer);
  state.connected = true;
  state.reconnectAttempt = 0;
}

/** Close the socket for good (signing out): no reconnect follows. */
export function disconnect() {
  const ws = state.ws;
  state.ws = null; // detach first so its close event does not schedule a reconnect
  if (ws) ws.close(1000, "signed out");
  clearTimeout(state.reconnectTimer);
  clearTimeout(state.welcomeTimer);
  state.reconnectTimer = undefined;
  state.welcomeTimer = undefined;
  state.connected = false;
  state.reconnectAttempt = 0;
}

/** Back online: no need to sit out the rest of a long backoff. */
export function reconnectNow() {
  if (state.reconnectTimer) {
    clearTimeout(state.reconnectTimer);
    state.reconnectTimer = undefined;
    connect();
  }
}

function scheduleReconnect() {
  if (state.phase === "login" || state.reconnectTimer) return;
  const delay = backoff(state.reconnectAttempt++);
  state.reconnectTimer = setTimeout(() => {
    state.reconnectTimer = undefined;
    connect();
  }, delay);
  hooks.onChange();
}

/**
 * Send one message; false (and nothing sent) if the socket is not ready.
 * @param {import("./protocol.js").EtapisteWireMessage} message
 */
export function send(message) {
  const ws = state.ws;
  if (!ws || ws.readyState !== WebSocket.OPEN || !state.connected) return false;
  ws.send(frame(message));
  return true;
}
