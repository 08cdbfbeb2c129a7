// @ts-check
// The browser's storage, for the few things the page remembers: the tab's
// sign-in (auth.js: sessionStorage, or localStorage in the official app) and the chosen language (localStorage,
// i18n.js). Storage can be disabled or full; then nothing is remembered and
// nothing fails.

/** @typedef {"session" | "local"} Where */

/** @param {Where} where */
function storage(where) {
  return where === "session" ? window.sessionStorage : window.localStorage; // throws where disabled
}

/** The stored value, or null (also when storage is disabled). @param {Where} where @param {string} key */
export function readStored(where, key) {
  try {
    return storage(where).getItem(key);
  } catch {
    return null;
  }
}

/** Store `value`, or with null forget the key. @param {Where} where @param {string} key @param {string | null} value */
export function store(where, key, value) {
  try {
    if (value === null) storage(where).removeItem(key);
    else storage(where).setItem(key, value);
  } catch {
    // storage disabled or full: see readStored
  }
}
