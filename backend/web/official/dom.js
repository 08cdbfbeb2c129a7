// @ts-check
// The page's elements, looked up once by id, and the few DOM helpers every
// view uses. Message fields reach the page through textContent (or
// attributes) only, never innerHTML (ESLint refuses it).

/**
 * @template {HTMLElement} T
 * @param {string} id
 * @param {new () => T} type
 * @returns {T}
 */
function byId(id, type) {
  const node = document.getElementById(id);
  if (!(node instanceof type)) throw new Error(`the page has no ${type.name} #${id}`);
  return node;
}

export const el = {
  account: byId("account", HTMLElement),
  officialName: byId("official-name", HTMLElement),
  connection: byId("connection", HTMLElement),
  signOut: byId("sign-out", HTMLButtonElement),
  language: byId("language", HTMLSelectElement),
  status: byId("status", HTMLElement),
  arrival: byId("arrival", HTMLElement),
  arrivalText: byId("arrival-text", HTMLElement),
  arrivalOk: byId("arrival-ok", HTMLButtonElement),
  loginView: byId("login-view", HTMLElement),
  loginForm: byId("login-form", HTMLFormElement),
  loginLanguage: byId("login-language", HTMLSelectElement),
  username: byId("username", HTMLInputElement),
  password: byId("password", HTMLInputElement),
  loginError: byId("login-error", HTMLElement),
  loginButton: byId("login-button", HTMLButtonElement),
  workspace: byId("workspace", HTMLElement),
  callView: byId("call-view", HTMLElement),
  callBooth: byId("call-booth", HTMLElement),
  callPoint: byId("call-point", HTMLElement),
  callScreenLanguage: byId("call-screen-language", HTMLElement),
  callState: byId("call-state", HTMLElement),
  callDuration: byId("call-duration", HTMLElement),
  remoteVideo: byId("remote-video", HTMLVideoElement),
  localVideo: byId("local-video", HTMLVideoElement),
  unmute: byId("unmute", HTMLButtonElement),
  leaveCall: byId("leave-call", HTMLButtonElement),
  cameraToggle: byId("camera-toggle", HTMLButtonElement),
  shareStart: byId("share-start", HTMLButtonElement),
  sharePreview: byId("share-preview", HTMLElement),
  shareVideo: byId("share-video", HTMLVideoElement),
  shareConfirm: byId("share-confirm", HTMLButtonElement),
  shareCancel: byId("share-cancel", HTMLButtonElement),
  shareBar: byId("share-bar", HTMLElement),
  shareStop: byId("share-stop", HTMLButtonElement),
  mute: byId("mute", HTMLButtonElement),
  cameraOff: byId("camera-off", HTMLButtonElement),
  identRequest: byId("ident-request", HTMLButtonElement),
  identInPerson: byId("ident-in-person", HTMLButtonElement),
  identStatus: byId("ident-status", HTMLElement),
  stillTake: byId("still-take", HTMLButtonElement),
  summaryText: byId("summary-text", HTMLTextAreaElement),
  summarySend: byId("summary-send", HTMLButtonElement),
  summaryPrint: byId("summary-print", HTMLButtonElement),
  printStatus: byId("print-status", HTMLElement),
  printFile: byId("print-file", HTMLInputElement),
  guestForm: byId("guest-form", HTMLFormElement),
  guestRole: byId("guest-role", HTMLSelectElement),
  guestLanguage: byId("guest-language", HTMLInputElement),
  guestName: byId("guest-name", HTMLInputElement),
  guestPhone: byId("guest-phone", HTMLInputElement),
  guestEmail: byId("guest-email", HTMLInputElement),
  guestStatus: byId("guest-status", HTMLElement),
  guestList: byId("guest-list", HTMLUListElement),
  guestWaiting: byId("guest-waiting", HTMLUListElement),
  guestInCall: byId("guest-in-call", HTMLUListElement),
  printDocument: byId("print-document", HTMLButtonElement),
  feedbackRequest: byId("feedback-request", HTMLButtonElement),
  feedbackStatus: byId("feedback-status", HTMLElement),
  feedbackTechnical: byId("feedback-technical", HTMLSelectElement),
  feedbackHandled: byId("feedback-handled", HTMLSelectElement),
  feedbackSave: byId("feedback-save", HTMLButtonElement),
  stillsPanel: byId("stills-panel", HTMLElement),
  stills: byId("stills", HTMLOListElement),
  stillViewer: byId("still-viewer", HTMLElement),
  stillFrame: byId("still-frame", HTMLElement),
  stillImage: byId("still-image", HTMLImageElement),
  stillZoom: byId("still-zoom", HTMLElement),
  stillZoomIn: byId("still-zoom-in", HTMLButtonElement),
  stillZoomOut: byId("still-zoom-out", HTMLButtonElement),
  stillFit: byId("still-fit", HTMLButtonElement),
  stillClose: byId("still-close", HTMLButtonElement),
  endCall: byId("end-call", HTMLButtonElement),
  boothMicLevel: byId("booth-mic-level", HTMLMeterElement),
  boothMicWarning: byId("booth-mic-warning", HTMLElement),
  callQuality: byId("call-quality", HTMLElement),
  boothMute: byId("booth-mute", HTMLButtonElement),
  callQualityText: byId("call-quality-text", HTMLElement),
  callQualityDetail: byId("call-quality-detail", HTMLElement),
  boothVolume: byId("booth-volume", HTMLElement),
  boothVolumeDown: byId("booth-volume-down", HTMLButtonElement),
  boothVolumeUp: byId("booth-volume-up", HTMLButtonElement),
  daySection: byId("day-section", HTMLElement),
  deviceCheck: byId("device-check", HTMLButtonElement),
  devicePanel: byId("device-panel", HTMLElement),
  checkVideo: byId("check-video", HTMLVideoElement),
  micMeter: byId("mic-meter", HTMLMeterElement),
  micResult: byId("mic-result", HTMLElement),
  speakerTest: byId("speaker-test", HTMLButtonElement),
  speakerResult: byId("speaker-result", HTMLElement),
  dayDate: byId("day-date", HTMLInputElement),
  dayList: byId("day-list", HTMLUListElement),
  dayEmpty: byId("day-empty", HTMLElement),
  lobby: byId("lobby", HTMLUListElement),
  lobbyCount: byId("lobby-count", HTMLElement),
  lobbyEmpty: byId("lobby-empty", HTMLElement),
  alertsSection: byId("alerts-section", HTMLElement),
  alerts: byId("alerts", HTMLUListElement),
  alertsCount: byId("alerts-count", HTMLElement),
  booths: byId("booths", HTMLUListElement),
  boothsEmpty: byId("booths-empty", HTMLElement),
};

/** Set a node's text only when it changed (no needless layout, no lost selection). @param {Node} node @param {string} text */
export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

/**
 * A new element under `parent`.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {Element} parent
 * @param {K} tag
 * @param {string} [className]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function append(parent, tag, className) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  parent.appendChild(node);
  return node;
}

/**
 * The element of `type` matching `selector` under `root`; one that is missing
 * is a bug in the page, not a state to carry on in.
 * @template {Element} T
 * @param {ParentNode} root
 * @param {string} selector
 * @param {new () => T} type
 * @returns {T}
 */
export function find(root, selector, type) {
  const node = root.querySelector(selector);
  if (!(node instanceof type)) throw new Error(`the page has no ${type.name} ${selector}`);
  return node;
}

const NEW_ENTRY_HIGHLIGHT_MS = 6_000;
/** @type {WeakMap<Element, ReturnType<typeof setTimeout>>} */
const highlightTimers = new WeakMap();

/** Flash a row that just arrived (CSS .is-new), restarting the animation if it is already on. @param {HTMLElement} node */
export function highlight(node) {
  node.classList.remove("is-new");
  void node.offsetWidth; // restart the CSS animation
  node.classList.add("is-new");
  clearTimeout(highlightTimers.get(node));
  highlightTimers.set(node, setTimeout(() => node.classList.remove("is-new"), NEW_ENTRY_HIGHLIGHT_MS));
}
