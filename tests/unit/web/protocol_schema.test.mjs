// Contract check: the page's generated validator (protocol-validator.js, Ajv
// standalone) agrees with pydantic on the REAL wire schema (protocol/schema.py).
// Messages are built and encoded by the Python protocol package, so a schema
// shape the validator gets wrong shows up here rather than as "Ignored an
// invalid message" in an official's browser. The pydantic half is skipped when
// python3 with pydantic is not available; the rules below need only Node.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { test } from "node:test";

import { checkMessage } from "../../../backend/web/official/validation.js";

/** [] for a valid message, else its "field: problem" lines. */
const problems = (message) => {
  const result = checkMessage(message);
  return result.ok ? [] : result.errors;
};

const REPO = fileURLToPath(new URL("../../../", import.meta.url));

const PY = `
import json
from protocol import encode
from protocol import messages as m

booth = m.BoothPresence(booth_id="b-1", name="Booth 1", point="Kela Kallio", online=True,
    devices=(m.DeviceStatus(role="face_camera", state=m.DeviceState.DEGRADED, reason="low light"),))
valid = [
    m.Welcome(role=m.Role.OFFICIAL, name="Official", server_time=1700000000.25),
    m.Error(code=m.ErrorCode.WRONG_STATE, reason="already in a call", ref="session.admit"),
    m.Error(code=m.ErrorCode.AUTH_FAILED, reason="bad token", fatal=True),
    m.Presence(booths=(booth, m.BoothPresence(booth_id="b-2", name="B", point="P", online=False)),
        lobby=(m.LobbyEntry(session_id="s-1", booth_id="b-1", booth_name="Booth 1",
            point="Kela Kallio", waiting_since=1700000000),)),
    m.Presence(booths=(), lobby=()),
    m.SessionAdmitted(session_id="s-1", official_name="Official", booth_name="Booth 1", peer="o1",
        participants=(m.Participant(peer="booth", role=m.ParticipantRole.BOOTH, name="Booth 1"),
            m.Participant(peer="o1", role=m.ParticipantRole.OFFICIAL, name="Official"))),
    m.ParticipantJoined(session_id="s-1", participant=m.Participant(peer="g2", role=m.ParticipantRole.GUEST, name="G")),
    m.ParticipantLeft(session_id="s-1", peer="g2", reason=m.ParticipantLeftReason.REMOVED),
    m.ParticipantRemove(session_id="s-1", peer="g2"),
    m.SessionEnded(session_id="s-1", reason=m.SessionEndReason.BOOTH_OFFLINE),
    m.RtcOffer(session_id="s-1", peer="booth", sdp="v=0\\r\\n"),
    m.RtcAnswer(session_id="s-1", peer="booth", sdp="v=0\\r\\n"),
    m.RtcIce(session_id="s-1", peer="booth", candidate="candidate:1 1 udp 1 127.0.0.1 9 typ host",
        sdp_mid="0", sdp_mline_index=0),
    m.RtcIce(session_id="s-1", peer="booth", candidate=""),
    m.Hello(role=m.Role.OFFICIAL, token="t", client="official-web"),
    m.Presence(booths=(), lobby=(
        m.LobbyEntry(session_id="s-2", booth_id="b-1", booth_name="Imatra booth 1", point="Imatra",
            waiting_since=1700000000.5, service_name="Henkilöverotus", language="fi", offered_to="off-1"),
        m.LobbyEntry(session_id="s-3", booth_id="b-2", booth_name="B", point="P", waiting_since=1,
            booking_code="K7Q-42X", booked_for="off-2", language="sv"),
    )),
    m.SessionOffer(session_id="s-2", booth_name="Imatra booth 1", point="Imatra",
        service_name="Henkilöverotus", language="fi", waiting_since=1700000000.5),
    m.SessionOffer(session_id="s-2", booth_name="B", point="P", waiting_since=1),
    m.AdvisorAlert(alert_id="a-1", kind=m.AlertKind.CHECKIN_REFUSED, point="Imatra", booth_name="Imatra booth 1",
        at=1700000000.25, message_fi="Ei onnistunut.", message_sv="Gick inte.", message_en="Did not work.",
        booking_code="K7Q-42X"),
    m.AdvisorAlert(alert_id="a-2", kind=m.AlertKind.OFFICIAL_NO_SHOW, point="Imatra", at=1,
        message_fi="", message_sv="", message_en=""),
    m.AlertCleared(alert_id="a-1"),
    m.AlertAcknowledge(alert_id="a-1"),
]
print(json.dumps({"valid": [encode(x) for x in valid]}))
`;

function fromPython() {
  const run = spawnSync("python3", ["-c", PY], { cwd: REPO, encoding: "utf8", timeout: 30_000 });
  if (run.status !== 0) return null;
  return JSON.parse(run.stdout);
}

const data = fromPython();
const skip = data ? false : "python3 with the protocol package (pydantic) is not available";

test("every message pydantic encodes passes the browser validator", { skip }, () => {
  for (const frame of data.valid) {
    assert.deepEqual(problems(JSON.parse(frame)), [], frame.slice(0, 80));
  }
});

test("the real schema's rules are enforced", () => {
  const lobbyEntry = { session_id: "s 1", booth_id: "b-1", booth_name: "B", point: "P", waiting_since: 1 };
  assert.deepEqual(problems({ v: 1, type: "presence", booths: [], lobby: [lobbyEntry] }), [
    "lobby[0].session_id: must match the pattern ^[A-Za-z0-9_.:-]+$",
  ]);
  assert.deepEqual(problems({ v: 1, type: "session.ended", session_id: "s", reason: "bored" }), [
    'reason: must be one of "hung_up", "booth_offline", "cancelled", "media_failed"',
  ]);
  assert.deepEqual(
    problems({ v: 1, type: "rtc.ice", session_id: "s", peer: "booth", candidate: "", sdp_mline_index: 65 }),
    ["sdp_mline_index: must be at most 64"],
  );
  assert.deepEqual(problems({ v: 1, type: "rtc.ice", session_id: "s", candidate: "" }), [
    "peer: is required",
  ]);
  assert.deepEqual(problems({ v: 2, type: "welcome", role: "official", name: "x", server_time: 0 }), [
    "v: must be 1",
  ]);
  assert.deepEqual(problems({ v: 1, type: "nope" }), ["type: is not a known message type"]);
});

test("the real schema's rules for offers and advisor alerts", () => {
  const alert = {
    v: 1, type: "advisor.alert", alert_id: "a-1", kind: "checkin_refused", point: "Imatra", at: 1,
    message_fi: "", message_sv: "", message_en: "",
  };
  assert.deepEqual(problems(alert), []);
  assert.deepEqual(problems({ ...alert, kind: "fire" }), [
    'kind: must be one of "checkin_refused", "official_no_show", "call_button", "device_fault"',
  ]);
  assert.deepEqual(problems({ ...alert, alert_id: "<img>" }), [
    "alert_id: must match the pattern ^[A-Za-z0-9_.:-]+$",
  ]);
  const offer = { v: 1, type: "session.offer", session_id: "s-1", booth_name: "B", point: "P", waiting_since: 1 };
  assert.deepEqual(problems(offer), []);
  assert.deepEqual(problems({ ...offer, language: "de" }), ['language: must be one of "fi", "sv", "en"']);
  const entry = { session_id: "s-1", booth_id: "b-1", booth_name: "B", point: "P", waiting_since: 1 };
  assert.deepEqual(problems({ v: 1, type: "presence", booths: [], lobby: [{ ...entry, language: "xx" }] }), [
    'lobby[0].language: must be one of "fi", "sv", "en"',
  ]);
});
