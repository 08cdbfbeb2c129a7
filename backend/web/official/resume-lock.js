// @ts-check
// Which tab may use the resume token kept in localStorage: the one holding a
// Web Lock. With the sign-in kept across browser restarts (auth.js), every tab
// of the official's browser sees the same stored resume token; a second tab
// opened next to a call must not present it (the server would hand it the
// call). The lock is held while the page lives and released when it goes
// (closed, reloaded, or the browser killed), so the next page to start takes
// it. Without Web Locks the page behaves as one tab.

export const RESUME_LOCK = "etapiste.official.resume";

/**
 * @typedef {{ request: (name: string, callback: (lock: unknown) => Promise<unknown>) => Promise<unknown> }} Locks
 */

/**
 * Ask for the resume lock and keep it while the page lives. Resolves true once
 * held, or false when `waitMs` passed without it (another tab holds it); the
 * request stays queued then, and `onLater` runs if it is granted afterwards
 * (the other tab went).
 * @param {Locks | undefined} locks `navigator.locks`
 * @param {number} waitMs how long a reload may wait for its old page to let go
 * @param {() => void} onLater
 * @param {(fn: () => void, ms: number) => unknown} [setTimer]
 * @returns {Promise<boolean>}
 */
export function holdResumeLock(locks, waitMs, onLater, setTimer = setTimeout) {
  if (!locks || typeof locks.request !== "function") return Promise.resolve(true);
  return new Promise((resolve) => {
    let decided = false;
    const decide = (/** @type {boolean} */ held) => {
      if (decided) return false;
      decided = true;
      resolve(held);
      return true;
    };
    setTimer(() => decide(false), waitMs);
    locks
      .request(RESUME_LOCK, () => {
        if (!decide(true)) onLater();
        return new Promise(() => {}); // never settles: held until the page goes
      })
      .catch(() => decide(true)); // locks refused (e.g. an opaque origin): as one tab
  });
}
