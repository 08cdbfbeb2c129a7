// @ts-check
// The advisor app's service worker (scope /advisor/): shows the alarms pushed to
// this phone, even with the app closed and the screen locked, and sends
// "I'm on it" straight from the notification.
//
// One notification per alarm: its tag is the alarm id, so a repeat (the
// escalation's second push, or the same push delivered twice) replaces it
// instead of showing a second one; only an escalation renotifies (sound and
// vibration again). The payload carries the texts in the phone's language and
// a proof for /api/push/ack (no sign-in token is at hand here). No citizen data.

const sw = /** @type {ServiceWorkerGlobalScope} */ (/** @type {unknown} */ (self));

/** @typedef {{ alert_id: string, kind: string, title: string, action: string, message: string,
 *   booth_name: string | null, point: string, at: number, level: number,
 *   ack: { subscription_id: string, proof: string } }} AlarmPayload */

sw.addEventListener("install", () => {
  sw.skipWaiting();
});
sw.addEventListener("activate", (event) => {
  event.waitUntil(sw.clients.claim());
});

sw.addEventListener("push", (event) => {
  keepAlive(event, showAlarm(event.data ? event.data.text() : ""));
});

/**
 * Keep the worker alive until `work` is done. An event the browser did not send itself
 * (a test, a devtools console) may not be extended; the work still runs.
 * @param {ExtendableEvent} event @param {Promise<unknown>} work
 */
function keepAlive(event, work) {
  try {
    event.waitUntil(work);
  } catch {
    work.catch(() => {});
  }
}

/** @param {string} text */
async function showAlarm(text) {
  /** @type {AlarmPayload} */
  let alarm;
  try {
    alarm = JSON.parse(text);
  } catch {
    console.warn("push without a readable alarm");
    return;
  }
  if (!alarm || typeof alarm.alert_id !== "string") return;
  if (await seenBefore(alarm)) { // never twice, even after the notification was closed
    await tellApp({ type: "alarm", alarm, shown: false });
    return;
  }
  const shown = await sw.registration.getNotifications({ tag: alarm.alert_id });
  const before = shown.length ? /** @type {AlarmPayload} */ (shown[0].data) : null;
  // renotify, vibrate and actions are Chromium's (and the Notifications standard's) but not yet in
  // TypeScript's WebWorker library: the options are built as a plain object for that reason.
  /** @type {NotificationOptions & Record<string, unknown>} */
  const options = {
    body: alarm.message,
    tag: alarm.alert_id,
    renotify: Boolean(before), // an escalation rings again; a repeat of the same level never shows
    requireInteraction: true,
    icon: "/advisor/icon-192.png",
    badge: "/advisor/icon-192.png",
    data: alarm,
    vibrate: [400, 200, 400, 200, 800],
    actions: [{ action: "ack", title: alarm.action }],
  };
  await sw.registration.showNotification(alarm.title, options);
  await tellApp({ type: "alarm", alarm, shown: true });
}

/** The open app (if any) refreshes its list. @param {object} message */
async function tellApp(message) {
  for (const client of await sw.clients.matchAll({ type: "window" })) client.postMessage(message);
}

const SEEN = "etapiste-alarms-seen";
const SEEN_KEEP = 500;

/**
 * Whether this alarm at this level was shown already (a push service may deliver twice, and a
 * phone that was offline may get an alarm it already handled); remembered in Cache Storage, which
 * outlives the worker, the last SEEN_KEEP of them.
 * @param {AlarmPayload} alarm
 */
async function seenBefore(alarm) {
  const cache = await caches.open(SEEN);
  const key = `/advisor/seen/${encodeURIComponent(alarm.alert_id)}/${alarm.level}`;
  if (await cache.match(key)) return true;
  await cache.put(key, new Response(""));
  const keys = await cache.keys();
  for (const old of keys.slice(0, Math.max(0, keys.length - SEEN_KEEP))) await cache.delete(old);
  return false;
}

sw.addEventListener("notificationclick", (event) => {
  const note = event.notification;
  const alarm = /** @type {AlarmPayload} */ (note.data);
  note.close();
  keepAlive(event, event.action === "ack" ? acknowledge(alarm) : openApp());
});

/** @param {AlarmPayload} alarm */
async function acknowledge(alarm) {
  let ok = false;
  try {
    const response = await fetch("/api/push/ack", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ alert_id: alarm.alert_id, ...alarm.ack }),
    });
    ok = response.ok;
  } catch {
    ok = false;
  }
  await tellApp({ type: ok ? "acknowledged" : "ack-failed", alert_id: alarm.alert_id });
  if (!ok) await openApp(); // the app's list still has it: acknowledge there
}

async function openApp() {
  const open = await sw.clients.matchAll({ type: "window" });
  if (open.length) return open[0].focus();
  return sw.clients.openWindow("/advisor/");
}
