// Unit tests for the official app's lobby and advisor-alert helpers (run: node --test tests/unit/web/).
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  alertMessage, alertsSummary, alertView, dropStaleAlerts, formatHelsinkiTime, lobbyEntryView, markAlertsStale,
  matterName, mergeAlert, offerStatusText, orderLobby, pruneOffers, recordOffer, removeAlert, screenLanguageNote,
  sortedAlerts,
} from "../../../backend/web/official/lobby.js";

const entry = (sessionId, extra = {}) => ({
  session_id: sessionId,
  booth_id: `b-${sessionId}`,
  booth_name: `Booth ${sessionId}`,
  point: "Imatra",
  waiting_since: 1700000000,
  ...extra,
});

const offer = (sessionId, extra = {}) => ({
  v: 1,
  type: "session.offer",
  session_id: sessionId,
  booth_name: "Imatra booth 1",
  point: "Imatra",
  service_name: "Henkilöverotus",
  language: "fi",
  waiting_since: 1700000000,
  ...extra,
});

const alert = (alertId, extra = {}) => ({
  v: 1,
  type: "advisor.alert",
  alert_id: alertId,
  kind: "checkin_refused",
  point: "Imatra",
  booth_name: "Imatra booth 1",
  at: 1700000000, // 2023-11-14 22:13:20 UTC = 00.13 in Helsinki (UTC+2)
  message_fi: "Asiakas ei päässyt kirjautumaan.",
  message_sv: "Kunden kunde inte checka in.",
  message_en: "A citizen could not check in.",
  booking_code: "K7Q-42X",
  ...extra,
});

// --- offers ------------------------------------------------------------------------

test("an offer is new once; a resend keeps its state but updates the message", () => {
  const first = recordOffer(new Map(), offer("s-1"), 1000);
  assert.equal(first.isNew, true);
  assert.deepEqual(first.offers.get("s-1"), { offer: offer("s-1"), receivedAt: 1000, seen: false, focused: false });
  first.offers.get("s-1").focused = true;
  const again = recordOffer(first.offers, offer("s-1", { booth_name: "Imatra booth 2" }), 5000);
  assert.equal(again.isNew, false);
  assert.equal(again.offers.get("s-1").receivedAt, 1000);
  assert.equal(again.offers.get("s-1").focused, true, "a resend does not steal the focus again");
  assert.equal(again.offers.get("s-1").offer.booth_name, "Imatra booth 2");
  assert.notEqual(again.offers, first.offers, "a new Map, the old one untouched");
});

test("an offer is forgotten when its citizen leaves the lobby", () => {
  let { offers } = recordOffer(new Map(), offer("s-1"), 0);
  offers = pruneOffers(offers, new Set(["s-1", "s-2"]), 10);
  assert.deepEqual([...offers.keys()], ["s-1"]);
  assert.equal(offers.get("s-1").seen, true);
  offers = pruneOffers(offers, new Set(["s-2"]), 20);
  assert.deepEqual([...offers.keys()], [], "admitted or gone: no longer offered");
});

test("an offer for a citizen already listed is forgotten at the next snapshot without them", () => {
  let { offers } = recordOffer(new Map(), offer("s-1"), 0, new Set(["s-1"]));
  assert.equal(offers.get("s-1").seen, true);
  offers = pruneOffers(offers, new Set(), 10);
  assert.deepEqual([...offers.keys()], [], "no grace: the citizen was in the lobby and has left it");
  ({ offers } = recordOffer(new Map(), offer("s-1"), 0));
  ({ offers } = recordOffer(offers, offer("s-1"), 5, new Set(["s-1"])));
  assert.equal(offers.get("s-1").seen, true, "a resend can tell it was seen");
});

test("an offer that overtook the snapshot listing its citizen is kept for a grace period", () => {
  const { offers } = recordOffer(new Map(), offer("s-1"), 1000);
  assert.deepEqual([...pruneOffers(offers, new Set(), 1000 + 29_999).keys()], ["s-1"]);
  assert.deepEqual([...pruneOffers(offers, new Set(), 1000 + 30_000).keys()], [], "never seen: given up");
  assert.deepEqual([...pruneOffers(offers, new Set(), 1000 + 500, 400).keys()], [], "grace is a parameter");
});

test("the lobby lists our offers first, each group in the server's order", () => {
  const lobby = [entry("a"), entry("b", { offered_to: "off-2" }), entry("c"), entry("d")];
  const ids = (list) => list.map((e) => e.session_id);
  assert.deepEqual(ids(orderLobby(lobby, new Set())), ["a", "b", "c", "d"]);
  assert.deepEqual(ids(orderLobby(lobby, new Set(["d", "c"]))), ["c", "d", "a", "b"]);
  assert.deepEqual(ids(orderLobby(lobby, new Set(["zzz"]))), ["a", "b", "c", "d"], "unknown ids change nothing");
  assert.deepEqual(ids(lobby), ["a", "b", "c", "d"], "the snapshot itself is not reordered");
});

test("a lobby row: matter, language badge, and whose offer it is", () => {
  const offered = new Set(["s-1"]);
  assert.deepEqual(lobbyEntryView(entry("s-1", { service_name: "Henkilöverotus", language: "fi",
    offered_to: "off-1" }), offered), {
    offer: "mine", booked: false, pointLine: "Imatra", matter: "Henkilöverotus",
    languageBadge: "FI", languageName: "Finnish", screenLanguage: "",
  });
  const colleague = lobbyEntryView(entry("s-2", { language: "sv", offered_to: "off-2" }), offered);
  assert.equal(colleague.offer, "colleague");
  assert.equal(colleague.matter, "");
  assert.equal(colleague.languageBadge, "SV");
  assert.equal(colleague.languageName, "Swedish");
  const plain = lobbyEntryView(entry("s-3", { service_name: null, language: null, offered_to: null }), offered);
  assert.deepEqual(plain, {
    offer: null, booked: false, pointLine: "Imatra", matter: "", languageBadge: "", languageName: "", screenLanguage: "",
  });
  assert.equal(lobbyEntryView(entry("s-4", { language: "en" }), offered).languageBadge, "EN");
});

test("a citizen who reads the screens in Russian: the row says so, for an interpreter", () => {
  const view = lobbyEntryView(entry("s-1", { language: "fi", screen_language: "ru" }), new Set());
  assert.equal(view.languageBadge, "FI"); // the meeting is in Finnish
  assert.equal(view.screenLanguage, "The citizen reads the screens in Russian. They may need an interpreter.");
  assert.equal(screenLanguageNote(null), "");
  assert.equal(screenLanguageNote("zz"), "The citizen reads the screens in zz. They may need an interpreter.");
});

test("a booked citizen's row names the booking", () => {
  const view = lobbyEntryView(entry("s-1", { booking_code: "K7Q-42X" }), new Set());
  assert.equal(view.booked, true);
  assert.equal(view.pointLine, "Imatra · booking K7Q-42X");
});

test("the offer's status line", () => {
  assert.equal(offerStatusText(offer("s-1")), "A citizen is waiting for you: Henkilöverotus (FI) at Imatra booth 1");
  assert.equal(offerStatusText(offer("s-1", { language: "sv" })),
    "A citizen is waiting for you: Henkilöverotus (SV) at Imatra booth 1");
  assert.equal(offerStatusText(offer("s-1", { language: null })),
    "A citizen is waiting for you: Henkilöverotus at Imatra booth 1");
  assert.equal(offerStatusText(offer("s-1", { service_name: null })),
    "A citizen is waiting for you: (FI) at Imatra booth 1");
  assert.equal(offerStatusText(offer("s-1", { service_name: "", language: undefined })),
    "A citizen is waiting for you at Imatra booth 1");
});

// --- advisor alerts -------------------------------------------------------------------

test("the same alert arriving twice is kept once and is new only the first time", () => {
  const first = mergeAlert(new Map(), alert("a-1"));
  assert.equal(first.isNew, true);
  const again = mergeAlert(first.alerts, alert("a-1", { message_en: "Updated." }));
  assert.equal(again.isNew, false);
  assert.equal(again.alerts.size, 1);
  assert.equal(again.alerts.get("a-1").alert.message_en, "Updated.");
  assert.equal(first.alerts.get("a-1").alert.message_en, "A citizen could not check in.", "old Map untouched");
});

test("alert.cleared removes the alert; an unknown id changes nothing", () => {
  let { alerts } = mergeAlert(new Map(), alert("a-1"));
  ({ alerts } = mergeAlert(alerts, alert("a-2")));
  const same = removeAlert(alerts, "nope");
  assert.equal(same, alerts);
  alerts = removeAlert(alerts, "a-1");
  assert.deepEqual([...alerts.keys()], ["a-2"]);
});

test("after a reconnect, alerts the backend does not resend are dropped", () => {
  let { alerts } = mergeAlert(new Map(), alert("a-1"));
  ({ alerts } = mergeAlert(alerts, alert("a-2")));
  alerts = markAlertsStale(alerts); // the socket closed
  const resent = mergeAlert(alerts, alert("a-2")); // the new socket resends the open one
  assert.equal(resent.isNew, false, "a resend does not chime again");
  alerts = dropStaleAlerts(resent.alerts);
  assert.deepEqual([...alerts.keys()], ["a-2"], "a-1 was acknowledged while we were away");
  assert.deepEqual([...dropStaleAlerts(alerts).keys()], ["a-2"]);
});

test("alerts are listed oldest first", () => {
  let alerts = new Map();
  for (const [id, at] of [["c", 300], ["a", 200], ["b", 200], ["d", 100]]) {
    ({ alerts } = mergeAlert(alerts, alert(id, { at })));
  }
  assert.deepEqual(sortedAlerts(alerts).map((a) => a.alert_id), ["d", "a", "b", "c"]);
});

test("the alert's message follows the page's language", () => {
  assert.deepEqual(alertMessage(alert("a"), "fi"), { text: "Asiakas ei päässyt kirjautumaan.", lang: "fi" });
  assert.deepEqual(alertMessage(alert("a"), "en"), { text: "A citizen could not check in.", lang: "en" });
  assert.deepEqual(alertMessage(alert("a"), "sv"), { text: "Kunden kunde inte checka in.", lang: "sv" });
  assert.deepEqual(alertMessage(alert("a", { message_fi: "" }), "fi"), { text: "A citizen could not check in.", lang: "en" },
    "an empty translation falls back to English");
  assert.deepEqual(alertMessage(alert("a", { message_en: "" }), "en"), { text: "Asiakas ei päässyt kirjautumaan.", lang: "fi" });
});

test("alert times are HH.MM in Helsinki, summer and winter", () => {
  assert.equal(formatHelsinkiTime(1700000000), "00.13"); // 22:13 UTC, EET (UTC+2)
  assert.equal(formatHelsinkiTime(Date.UTC(2024, 6, 1, 6, 5) / 1000), "09.05"); // EEST (UTC+3)
  assert.equal(formatHelsinkiTime(Date.UTC(2024, 0, 1, 12, 0, 59) / 1000), "14.00");
});

test("an alert row", () => {
  assert.deepEqual(alertView(alert("a-1"), "en"), {
    time: "00.13",
    kindLabel: "Check-in refused",
    place: "Imatra · Imatra booth 1",
    message: "A citizen could not check in.",
    messageLang: "en",
    bookingLine: "Booking K7Q-42X",
  });
  const noShow = alertView(alert("a-2", { kind: "official_no_show", booth_name: null, booking_code: null }), "fi");
  assert.equal(noShow.kindLabel, "Official has not joined");
  assert.equal(noShow.place, "Imatra");
  assert.equal(noShow.bookingLine, "");
  assert.equal(noShow.message, "Asiakas ei päässyt kirjautumaan.");
  assert.equal(alertView(alert("a-3", { kind: "something_new" }), "en").kindLabel, "Needs attention");
});

test("the alerts as the test hook reports them", () => {
  let { alerts } = mergeAlert(new Map(), alert("a-2", { at: 20, booking_code: undefined }));
  ({ alerts } = mergeAlert(alerts, alert("a-1", { at: 10, kind: "official_no_show" })));
  assert.deepEqual(alertsSummary(alerts), [
    { alert_id: "a-1", kind: "official_no_show", booking_code: "K7Q-42X" },
    { alert_id: "a-2", kind: "checkin_refused", booking_code: null },
  ]);
});

test("the matter is named in the language the page speaks, the Finnish name otherwise", async () => {
  const { ENGLISH, parseCatalogue, setCatalogue } = await import("../../../backend/web/official/i18n.js");
  const names = { fi: "Henkilöverotus", sv: "Personbeskattning", en: "Personal taxation" };
  const row = entry("s-1", { service_name: "Henkilöverotus", service_names: names, language: "sv" });
  assert.equal(lobbyEntryView(row, new Set()).matter, "Personal taxation", "English page");
  setCatalogue(parseCatalogue({ language: "sv", plural: "(n != 1)", messages: {} }, "sv"));
  try {
    assert.equal(lobbyEntryView(row, new Set()).matter, "Personbeskattning", "Swedish page");
    assert.equal(matterName(offer("s-1", { service_names: names })), "Personbeskattning");
    assert.equal(lobbyEntryView(entry("s-2", { service_name: "Henkilöverotus" }), new Set()).matter, "Henkilöverotus",
      "an entry without the names keeps the Finnish one");
  } finally {
    setCatalogue(ENGLISH);
  }
});
