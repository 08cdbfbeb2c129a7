// The official's live quality indicator: figures from getStats, graded, in words (run: node --test tests/unit/web/).
import assert from "node:assert/strict";
import { test } from "node:test";

import { ENGLISH, parseCatalogue, setCatalogue } from "../../../backend/web/official/i18n.js";
import {
  figuresFrom, grade, linkQuality, pairType, stateEvent, statsMessage,
} from "../../../backend/web/official/quality.js";
import { frame } from "../../../backend/web/official/signalling.js";
import { checkMessage } from "../../../backend/web/official/validation.js";

/** A browser's getStats entries after `seconds` of a call at 30 fps with `lost` of `received` packets lost. */
function report({ seconds, lost = 0, received = 1000, relay = "" }) {
  return [
    { id: "T", type: "transport", selectedCandidatePairId: "P" },
    { id: "P", type: "candidate-pair", localCandidateId: "L", remoteCandidateId: "R", currentRoundTripTime: 0.042 },
    { id: "L", type: "local-candidate", candidateType: relay ? "relay" : "host", relayProtocol: relay || undefined },
    { id: "R", type: "remote-candidate", candidateType: "host" },
    {
      id: "V", type: "inbound-rtp", kind: "video", packetsLost: lost, packetsReceived: received,
      bytesReceived: 100_000 * seconds, framesDecoded: 30 * seconds, frameWidth: 640, frameHeight: 480,
    },
    {
      id: "A", type: "inbound-rtp", kind: "audio", packetsLost: 0, packetsReceived: 50 * seconds, jitter: 0.004,
      bytesReceived: 4000 * seconds, concealedSamples: 480 * seconds, totalSamplesReceived: 48_000 * seconds,
    },
    { id: "O", type: "outbound-rtp", kind: "video", bytesSent: 90_000 * seconds },
  ];
}

test("figures over an interval come from the difference of two reports", () => {
  const first = figuresFrom(report({ seconds: 3 }), null, 3000);
  const { figures } = figuresFrom(report({ seconds: 6, lost: 60, received: 1940 }), first.snapshot, 6000);
  assert.equal(figures.rtt_ms, 42);
  assert.equal(figures.fps, 30);
  assert.equal(figures.loss_pct, 5.2); // 60 lost of the 1150 expected in the interval (video and audio)
  assert.equal(figures.concealed_pct, 1);
  assert.equal(figures.jitter_ms, 4);
  assert.equal(figures.kbps_in, Math.round(8 * 104_000 / 1000 * 10) / 10);
  assert.deepEqual([figures.width, figures.height, figures.pair], [640, 480, "host"]);
});

test("the selected pair says whether the call goes through TURN, and over what", () => {
  assert.equal(pairType({ candidateType: "relay", relayProtocol: "tls" }, { candidateType: "host" }), "relay_tls");
  assert.equal(pairType({ candidateType: "relay", relayProtocol: "tcp" }, {}), "relay_tcp");
  assert.equal(pairType({ candidateType: "srflx" }, { candidateType: "host" }), "srflx");
  assert.equal(pairType(undefined, undefined), "unknown");
  const { figures } = figuresFrom(report({ seconds: 3, relay: "tls" }), null, 3000);
  assert.equal(figures.pair, "relay_tls");
});

test("grades follow the thresholds: good, fair, poor, with the worst reasons first", () => {
  assert.deepEqual(grade({ rtt_ms: 40, loss_pct: 0, fps: 30 }), { level: "good", reasons: [] });
  assert.deepEqual(grade({ loss_pct: 4 }), { level: "fair", reasons: ["loss_pct"] });
  assert.deepEqual(grade({ loss_pct: 4, rtt_ms: 700 }), { level: "poor", reasons: ["rtt_ms", "loss_pct"] });
  assert.deepEqual(grade({ fps: 5 }), { level: "poor", reasons: ["fps"] });
  assert.deepEqual(grade(null), { level: "good", reasons: [] });
});

test("the indicator says the worse end and why, in the official's language", () => {
  assert.equal(linkQuality(null, null).level, "unknown");
  const good = linkQuality({ rtt_ms: 40, loss_pct: 0, fps: 30 }, { rtt_ms: 41, loss_pct: 0.2 });
  assert.equal(good.level, "good");
  assert.equal(good.text, "Good connection");
  assert.match(good.detail, /delay 41 ms · loss 0.2 % · 30 frames\/s/); // the worse end's figures
  const atBooth = linkQuality({ rtt_ms: 40, fps: 30 }, { loss_pct: 12 });
  assert.equal(atBooth.level, "poor");
  assert.equal(atBooth.text, "Poor connection: at the booth parts of the picture and sound are lost");
  const here = linkQuality({ fps: 12 }, { loss_pct: 0 });
  assert.equal(here.text, "Fair connection: here the picture is jerky");
  // A guest's link: the same rule, their end named as theirs
  const atGuest = linkQuality({ fps: 30 }, { rtt_ms: 700 }, "guest");
  assert.equal(atGuest.level, "poor");
  assert.equal(atGuest.text, "Poor connection: at their end there is a long delay");
  assert.equal(linkQuality({ fps: 12 }, null, "guest").text, "Fair connection: here the picture is jerky");
  setCatalogue(parseCatalogue({
    language: "fi",
    messages: {
      "Poor connection": "Huono yhteys",
      "at the booth {reason}": "asiointipisteessä {reason}",
      "parts of the picture and sound are lost": "kuvaa ja ääntä katoaa",
    },
  }, "fi"));
  try {
    assert.equal(linkQuality({ fps: 30 }, { loss_pct: 12 }).text, "Huono yhteys: asiointipisteessä kuvaa ja ääntä katoaa");
  } finally {
    setCatalogue(ENGLISH);
  }
});

test("the messages sent are valid call.stats and call.event", () => {
  const { figures } = figuresFrom(report({ seconds: 3 }), null, 3000);
  for (const message of [statsMessage("s-1", "booth", figures), stateEvent("s-1", "booth", "connected")]) {
    const wire = JSON.parse(frame(message));
    assert.deepEqual(checkMessage(wire), { ok: true, message: wire });
  }
});
