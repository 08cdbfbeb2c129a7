// @ts-check
// Signing in and out over HTTP, and where the token is kept.
//
// sessionStorage keeps the token for this tab only, so a reload reconnects
// without asking again; disabled storage just means signing in after a
// reload. The official app keeps it in localStorage instead
// (`keepSignInAcrossRestarts`): on the official's own workstation a browser
// that crashed or was closed in a call reopens signed in and rejoins the call
// with the resume token kept next to it; signing out forgets both. The token
// and the name are never logged.

import { t } from "./i18n.js";
import { readStored, store } from "./storage.js";

const LOGIN_URL = "/api/login";
const LOGOUT_URL = "/api/logout";
const TOKEN_KEY = "etapiste.official.token";
const NAME_KEY = "etapiste.official.name";
const RESUME_KEY = "etapiste.official.resume";

/** Where the sign-in and the resume token are kept: this tab only, unless the app asks for more. */
let where = /** @type {import("./storage.js").Where} */ ("session");

/**
 * Keep the sign-in (and the resume token next to it) in localStorage, so it
 * outlives the browser: for the official's own workstation, where a browser
 * killed mid-call must come back into the call. Call before anything is read.
 */
export function keepSignInAcrossRestarts() {
  where = "local";
}

/** @typedef {{ token: string, name: string } | { error: string }} LoginResult */

/**
 * POST /api/login; resolves to { token, name } or { error } with a text for
 * the official (never rejects).
 * @param {string} username
 * @param {string} password
 * @param {typeof fetch} [fetchFn]
 * @returns {Promise<LoginResult>}
 */
export async function requestLogin(username, password, fetchFn = fetch) {
  let response;
  try {
    response = await fetchFn(LOGIN_URL, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ username, password }),
    });
  } catch {
    return { error: t("Cannot reach the server. Check the network connection and try again.") };
  }
  const body = await response.json().catch(() => null);
  if (response.ok) {
    if (body && typeof body.token === "string" && body.token) {
      return { token: body.token, name: typeof body.name === "string" ? body.name : "" };
    }
    return { error: t("The server gave an unexpected answer. Please try again.") };
  }
  // The backend's 401 detail is English; the page says the same in its own language.
  if (response.status === 401) return { error: t("Wrong username or password.") };
  if (response.status === 422) return { error: t("Enter your username and password.") };
  if (response.status === 429) {
    // Too many failed sign-ins for this username or from this address: say how long to wait.
    const seconds = Number.parseInt(response.headers?.get?.("Retry-After") ?? "", 10);
    if (seconds > 0) return { error: t("Too many failed sign-ins. Try again in {seconds} s.", { seconds }) };
    return { error: t("Too many failed sign-ins. Try again in a moment.") };
  }
  return { error: t("Sign-in failed (HTTP {status}). Please try again.", { status: response.status }) };
}

/** Best effort: tell the server the token is done with (the page forgets it anyway). @param {string | null} token */
export function revokeToken(token) {
  if (!token) return;
  fetch(LOGOUT_URL, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ token }),
    keepalive: true, // survives the page being closed right after
  }).catch(() => {});
}

/** The token and name this tab signed in with, if any. */
export function storedSession() {
  return { token: readStored(where, TOKEN_KEY), name: readStored(where, NAME_KEY) || "" };
}

/** Remember (or with null, forget) this tab's sign-in. @param {string | null} token @param {string | null} name */
export function storeSession(token, name) {
  store(where, TOKEN_KEY, token);
  store(where, NAME_KEY, name);
  if (token === null) store(where, RESUME_KEY, null);
}

/** This tab's resume token (the last welcome's): a reloaded page rejoins its call with it. */
export function storedResume() {
  return readStored(where, RESUME_KEY);
}

/** Remember (or with null, forget) the last welcome's resume token. @param {string | null} token */
export function storeResume(token) {
  store(where, RESUME_KEY, token);
}

/** The name the server welcomed us with (it may have changed since sign-in). @param {string} name */
export function storeName(name) {
  store(where, NAME_KEY, name);
}
