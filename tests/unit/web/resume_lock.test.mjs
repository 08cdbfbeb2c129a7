// Unit tests for which tab may use the stored resume token (run: node --test tests/unit/web/):
// a fake LockManager that grants one holder at a time, and a timer the test fires.
import assert from "node:assert/strict";
import { test } from "node:test";

import { RESUME_LOCK, holdResumeLock } from "../../../backend/web/official/resume-lock.js";

/** One lock name, one holder at a time; `release()` lets the holder go (its page closed). */
function fakeLocks() {
  const queue = [];
  const locks = {
    names: [],
    held: false,
    request(name, callback) {
      locks.names.push(name);
      queue.push(callback);
      locks.grant();
      return new Promise(() => {});
    },
    grant() {
      if (locks.held || !queue.length) return;
      locks.held = true;
      queue.shift()({ name: RESUME_LOCK });
    },
    release() {
      locks.held = false;
      locks.grant();
    },
  };
  return locks;
}

const manualTimer = () => {
  const timers = [];
  const setTimer = (fn) => timers.push(fn);
  return { setTimer, fire: () => timers.splice(0).forEach((fn) => fn()) };
};

test("the first tab holds the lock: it may resume", async () => {
  const locks = fakeLocks();
  const timer = manualTimer();
  assert.equal(await holdResumeLock(locks, 3000, () => assert.fail("granted late"), timer.setTimer), true);
  assert.deepEqual(locks.names, [RESUME_LOCK]);
});

test("a second tab next to it starts afresh, and takes over when the first tab goes", async () => {
  const locks = fakeLocks();
  await holdResumeLock(locks, 3000, () => {}, manualTimer().setTimer);
  const timer = manualTimer();
  let later = 0;
  const second = holdResumeLock(locks, 3000, () => (later += 1), timer.setTimer);
  timer.fire(); // the wait is over and the first tab still holds it
  assert.equal(await second, false);
  assert.equal(later, 0);
  locks.release(); // the first tab was closed
  assert.equal(later, 1);
});

test("a reloaded page gets the lock once its old page lets go within the wait", async () => {
  const locks = fakeLocks();
  await holdResumeLock(locks, 3000, () => {}, manualTimer().setTimer);
  const timer = manualTimer();
  const reloaded = holdResumeLock(locks, 3000, () => assert.fail("granted late"), timer.setTimer);
  locks.release();
  timer.fire();
  assert.equal(await reloaded, true);
});

test("without Web Locks, or when they are refused, the page is one tab", async () => {
  assert.equal(await holdResumeLock(undefined, 3000, () => {}), true);
  const refusing = { request: () => Promise.reject(new DOMException("no", "SecurityError")) };
  assert.equal(await holdResumeLock(refusing, 3000, () => {}, manualTimer().setTimer), true);
});
