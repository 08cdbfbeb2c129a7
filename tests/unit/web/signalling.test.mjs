// Unit tests for what the page says on the wire and reads for a call
// (run: node --test tests/unit/web/). Every message built here must pass the
// same generated validator the backend's schema makes.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  admittedCall, answerMessage, backoff, documentCamera, endNotice, frame, helloMessage, iceCandidate, iceServersOf,
  removedUs, restartMessage,
} from "../../../backend/web/official/signalling.js";
import { checkMessage } from "../../../backend/web/official/validation.js";

const valid = (message) => assert.deepEqual(checkMessage(JSON.parse(frame(message))), {
  ok: true, message: JSON.parse(frame(message)),
});

test("hello and rtc.answer go out as valid wire messages with the protocol version", () => {
  const hello = JSON.parse(frame(helloMessage("token-1")));
  assert.deepEqual(hello, { v: 1, type: "hello", role: "official", token: "token-1", client: "official-web" });
  valid(helloMessage("token-1"));
  const answer = JSON.parse(frame(answerMessage("s-1", "booth", "v=0\r\n")));
  assert.deepEqual(answer, { v: 1, type: "rtc.answer", session_id: "s-1", peer: "booth", sdp: "v=0\r\n" });
  valid(answerMessage("s-1", "booth", "v=0\r\n"));
});

test("a reconnecting page says hello with the last welcome's resume token, and asks the booth to offer again", () => {
  const token = "r".repeat(43);
  assert.equal(JSON.parse(frame(helloMessage("token-1", token))).resume, token);
  valid(helloMessage("token-1", token));
  assert.equal("resume" in helloMessage("token-1", null), false, "a first hello resumes nothing");
  assert.deepEqual(restartMessage("s-1", "booth"), { type: "rtc.restart", session_id: "s-1", peer: "booth" });
  valid(restartMessage("s-1", "booth"));
  assert.equal(checkMessage({ v: 1, ...helloMessage("token-1", "short") }).ok, false, "a malformed token is refused");
});

test("rtc.ice becomes an addIceCandidate argument; an empty candidate ends the list", () => {
  const base = { v: 1, type: "rtc.ice", session_id: "s-1", peer: "booth" };
  assert.deepEqual(iceCandidate({ ...base, candidate: "candidate:1", sdp_mid: "0", sdp_mline_index: 0 }),
    { candidate: "candidate:1", sdpMid: "0", sdpMLineIndex: 0 });
  assert.deepEqual(iceCandidate({ ...base, candidate: "candidate:1" }),
    { candidate: "candidate:1", sdpMid: null, sdpMLineIndex: 0 }, "bundled media: line 0");
  assert.deepEqual(iceCandidate({ ...base, candidate: "candidate:1", sdp_mid: "audio" }),
    { candidate: "candidate:1", sdpMid: "audio", sdpMLineIndex: null });
  assert.equal(iceCandidate({ ...base, candidate: "" }), null);
});

test("session.admitted starts a call with the booth's name, the point it waited at and both peer ids", () => {
  const participants = [
    { peer: "booth", role: "booth", name: "Imatra booth 1" },
    { peer: "o1", role: "official", name: "O" },
  ];
  const admitted = {
    v: 1, type: "session.admitted", session_id: "s-2", official_name: "O", booth_name: "Imatra booth 1",
    peer: "o1", participants,
  };
  valid(admitted);
  const lobby = [
    { session_id: "s-1", booth_id: "b-1", booth_name: "X", point: "Lappeenranta", waiting_since: 1 },
    { session_id: "s-2", booth_id: "b-2", booth_name: "Imatra booth 1", point: "Imatra", waiting_since: 1 },
  ];
  assert.deepEqual(admittedCall(admitted, lobby), {
    sessionId: "s-2", boothId: "b-2", boothName: "Imatra booth 1", boothPoint: "Imatra", peer: "o1", boothPeer: "booth",
    iceServers: [],
  });
  assert.equal(admittedCall(admitted, []).boothPoint, "", "a snapshot that no longer lists them");
});

test("the peer connection gets the backend's TURN servers with our own credentials, never fixed ones", () => {
  const turn = {
    urls: ["turn:turn.example.fi:3478?transport=udp", "turns:turn.example.fi:443?transport=tcp"],
    username: "1764500000:s-2.o1", credential: "c2VjcmV0",
  };
  const message = {
    v: 1, type: "session.admitted", session_id: "s-2", official_name: "Olli", booth_name: "Imatra booth 1", peer: "o1",
    participants: [{ peer: "booth", role: "booth", name: "Imatra booth 1" }, { peer: "o1", role: "official", name: "Olli" }],
    ice_servers: [turn],
  };
  valid(message);
  assert.deepEqual(iceServersOf(message), [turn]);
  assert.deepEqual(admittedCall(message, []).iceServers, [turn]);
  assert.deepEqual(iceServersOf({ ...message, ice_servers: [{ urls: ["stun:stun.example.fi"] }] }),
    [{ urls: ["stun:stun.example.fi"] }], "a server without credentials gets none");
  const older = Object.fromEntries(Object.entries(message).filter(([key]) => key !== "ice_servers"));
  assert.deepEqual(iceServersOf(older), [], "an older backend: no servers, host candidates only");
});

test("participant.left ends the call here only when it names our own peer in our call", () => {
  const call = { sessionId: "s-2", peer: "o3" };
  const left = (sessionId, peer) => ({ v: 1, type: "participant.left", session_id: sessionId, peer, reason: "removed" });
  valid(left("s-2", "o3"));
  assert.equal(removedUs(left("s-2", "o3"), call), true);
  assert.equal(removedUs(left("s-2", "g2"), call), false, "someone else left; the call goes on");
  assert.equal(removedUs(left("s-9", "o3"), call), false, "another session");
  assert.equal(removedUs(left("s-2", "o3"), null), false, "no call here");
});

test("why a call ended, as the official is told", () => {
  assert.deepEqual(endNotice("hung_up"), ["Call ended", "info"]);
  assert.deepEqual(endNotice("booth_offline"), ["Call ended: booth went offline", "error"]);
  assert.deepEqual(endNotice("cancelled"), ["Call ended: the citizen cancelled", "info"]);
  assert.deepEqual(endNotice("media_failed"), ["Call ended: the video connection could not be set up", "error"]);
});

test("reconnect backoff doubles from 1 s up to 10 s", () => {
  assert.deepEqual([0, 1, 2, 3, 4, 10].map(backoff), [1000, 2000, 4000, 8000, 10000, 10000]);
});

test("the document camera button knows a booth without one (found using the demo: it flipped and did nothing)", () => {
  const booth = (devices) => ({ booth_id: "b-2", name: "Imatra booth 1", point: "Imatra", online: true, devices });
  const call = { boothId: "b-2", boothName: "Imatra booth 1" };
  const face = { role: "face_camera", state: "ok" };
  assert.equal(documentCamera([booth([face])], call), "missing");
  assert.equal(documentCamera([booth([face, { role: "document_camera", state: "missing" }])], call), "missing");
  assert.equal(documentCamera([booth([face, { role: "document_camera", state: "degraded" }])], call), "ok");
  assert.equal(documentCamera([booth([])], call), "unknown", "no device report yet: the server decides");
  assert.equal(documentCamera([], call), "unknown");
  assert.equal(documentCamera([booth([face])], { boothId: "", boothName: "Imatra booth 1" }), "missing", "by name");
});
