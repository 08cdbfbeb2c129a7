// @ts-check
// Etäpiste administration: sign in, then the sections this person's roles
// open (forms.js sectionsFor) — organisations, service points and booths for
// the master admin; accounts, the service menu and officials' hours for an
// authority admin; reports for admins and reporters; an official's own
// counts; the audit log. A set-password link (#set-password=…) opens the
// password form without signing in.
//
// Reuses the officials' page's modules by import (i18n.js, auth.js,
// storage.js); nothing here logs names, tokens or e-mail addresses.

import { requestLogin, revokeToken, storedSession, storeSession } from "../official/auth.js";
import { currentLanguage, offerLanguages, onLanguageChange, t, translateStatic } from "../official/i18n.js";
import { accountsView } from "./accounts-view.js";
import { call, onSignInExpired, useToken } from "./api.js";
import { auditView } from "./audit-view.js";
import { callsView } from "./calls-view.js";
import { servicesView, skillsView } from "./catalogue-view.js";
import { closuresView } from "./closures-view.js";
import { problemsOf, sectionsFor, setPasswordToken } from "./forms.js";
import { reportsView } from "./reports-view.js";
import { boothsView, organisationsView, pointsView } from "./structure-view.js";
import { textsView } from "./texts-view.js";
import { supportView } from "./support-view.js";

/** @template {HTMLElement} T @param {string} id @param {new () => T} type @returns {T} */
function byId(id, type) {
  const node = document.getElementById(id);
  if (!(node instanceof type)) throw new Error(`the page has no ${type.name} #${id}`);
  return node;
}

const el = {
  account: byId("account", HTMLElement),
  who: byId("who", HTMLElement),
  language: byId("language", HTMLSelectElement),
  loginLanguage: byId("login-language", HTMLSelectElement),
  signOut: byId("sign-out", HTMLButtonElement),
  menu: byId("menu", HTMLElement),
  menuList: byId("menu-list", HTMLUListElement),
  status: byId("status", HTMLElement),
  loginView: byId("login-view", HTMLElement),
  loginForm: byId("login-form", HTMLFormElement),
  username: byId("username", HTMLInputElement),
  password: byId("password", HTMLInputElement),
  loginError: byId("login-error", HTMLElement),
  passwordView: byId("password-view", HTMLElement),
  passwordForm: byId("password-form", HTMLFormElement),
  newPassword: byId("new-password", HTMLInputElement),
  newPasswordAgain: byId("new-password-again", HTMLInputElement),
  passwordError: byId("password-error", HTMLElement),
  view: byId("view", HTMLElement),
  sectionTitle: byId("section-title", HTMLElement),
};

/** @typedef {{ official_id: string, name: string, organisation_id: string, master: boolean, official: boolean,
 *   admin_of: string[], reporter_of: string[] }} Me */

/** @type {{ token: string | null, me: Me | null, sections: string[] }} */
const state = { token: null, me: null, sections: [] };
/** The route being shown: each waits for the one before it (``route``). @type {Promise<void>} */
let routing = Promise.resolve();

// Read-only hooks for the automated browser tests.
Object.defineProperty(window, "etapisteAdmin", {
  value: Object.freeze({ sections: () => [...state.sections], view: () => document.body.dataset.view }),
  enumerable: true,
});

/** A section's name in the menu. @param {string} section */
function sectionName(section) {
  return {
    organisations: t("Organisations"), points: t("Service points"), booths: t("Booths"), accounts: t("Accounts"),
    services: t("Service menu"), skills: t("Officials' hours"), reports: t("Reports"), mine: t("My counts"),
    audit: t("Audit log"), texts: t("Message texts"), closures: t("Closure days"), calls: t("Calls"), support: t("Booth support"),
  }[section] ?? section;
}

/** Tell the person something (the status line is read out by screen readers). @param {string} message */
function say(message) {
  el.status.textContent = message;
}

init();

function init() {
  initLanguage();
  el.loginForm.addEventListener("submit", (event) => {
    event.preventDefault();
    signIn().catch(() => say(t("Cannot reach the server. Check the network connection and try again.")));
  });
  el.passwordForm.addEventListener("submit", (event) => {
    event.preventDefault();
    setPassword().catch(() => say(t("Cannot reach the server. Check the network connection and try again.")));
  });
  el.signOut.addEventListener("click", () => {
    revokeToken(state.token);
    signOut();
  });
  onSignInExpired(() => {
    signOut();
    say(t("Your sign-in has ended. Sign in again."));
  });
  window.addEventListener("hashchange", () => { route().catch(() => {}); });
  const { token } = storedSession();
  if (token && !setPasswordToken(location.hash)) startSession(token).catch(() => signOut());
  else route().catch(() => {});
}

function initLanguage() {
  onLanguageChange(() => {
    document.documentElement.lang = currentLanguage();
    staticTexts();
    renderMenu();
    route().catch(() => {});
  });
  offerLanguages([el.loginLanguage, el.language], () => {});
}

/** The fixed texts of index.html (data-i18n, data-i18n-label). */
function staticTexts() {
  translateStatic();
  document.title = t("Etäpiste administration");
}

/** Which screen shows: login, the password form, or the signed-in app. @param {"login" | "password" | "app"} view */
function showView(view) {
  document.body.dataset.view = view;
  el.loginView.hidden = view !== "login";
  el.passwordView.hidden = view !== "password";
  el.account.hidden = view !== "app";
  el.menu.hidden = view !== "app";
  el.view.hidden = view !== "app";
  el.sectionTitle.hidden = view !== "app";
}

async function signIn() {
  const username = el.username.value.trim();
  const password = el.password.value;
  if (!username || !password) {
    el.loginError.textContent = t("Enter your username and password.");
    return;
  }
  el.loginError.textContent = "";
  const result = await requestLogin(username, password);
  if ("error" in result) {
    el.loginError.textContent = result.error;
    return;
  }
  el.password.value = "";
  storeSession(result.token, result.name);
  await startSession(result.token);
}

/** @param {string} token */
async function startSession(token) {
  state.token = token;
  useToken(token);
  const r = await call("GET", "/api/me");
  if (!r.ok) {
    signOut();
    return;
  }
  state.me = r.body;
  state.sections = sectionsFor(r.body);
  el.who.textContent = r.body.name;
  renderMenu();
  if (!state.sections.length) say(t("Your account has no administration rights."));
  if (!state.sections.includes(location.hash.slice(1))) history.replaceState(null, "", `#${state.sections[0] ?? ""}`);
  await route();
}

function signOut() {
  storeSession(null, null);
  useToken(null);
  state.token = null;
  state.me = null;
  state.sections = [];
  el.menuList.replaceChildren();
  el.view.replaceChildren();
  showView("login");
}

function renderMenu() {
  const current = location.hash.slice(1);
  el.menuList.replaceChildren(...state.sections.map((s) => {
    const a = document.createElement("a");
    a.href = `#${s}`;
    a.textContent = sectionName(s);
    if (s === current) a.setAttribute("aria-current", "page");
    const li = document.createElement("li");
    li.append(a);
    return li;
  }));
}

/** Show what the address names, after any route still loading: a section that loads slowly (asked for
 * by a language change) then never finishes over a newer one the user chose meanwhile. */
function route() {
  routing = routing.then(showRoute, showRoute);
  return routing;
}

/** Show what the address names now. */
async function showRoute() {
  const token = setPasswordToken(location.hash);
  if (token) {
    showView("password");
    el.newPassword.focus();
    return;
  }
  if (!state.me) {
    showView("login");
    return;
  }
  showView("app");
  const section = location.hash.slice(1);
  if (!state.sections.includes(section)) return;
  renderMenu();
  say("");
  document.body.dataset.section = ""; // set again when the section has loaded (tests wait for it)
  el.sectionTitle.textContent = sectionName(section);
  document.title = `${sectionName(section)} – ${t("Etäpiste administration")}`;
  const me = state.me;
  const views = {
    organisations: () => organisationsView(el.view, say),
    points: () => pointsView(el.view, say),
    booths: () => boothsView(el.view, say),
    accounts: () => accountsView(el.view, say, me),
    services: () => servicesView(el.view, say, me),
    skills: () => skillsView(el.view, say, me),
    reports: () => reportsView(el.view, say, me, false),
    mine: () => reportsView(el.view, say, me, true),
    audit: () => auditView(el.view, say, auditPageSize()),
    texts: () => textsView(el.view, say, me),
    closures: () => closuresView(el.view, say, me),
    calls: () => callsView(el.view, say),
    support: () => supportView(el.view, say),
  };
  await views[/** @type {keyof typeof views} */ (section)]();
  document.body.dataset.section = section;
}

/** The audit view's page size: 200, or smaller with ?audit-page=N (the browser tests page through a few). */
function auditPageSize() {
  const n = Number(new URLSearchParams(location.search).get("audit-page"));
  return Number.isInteger(n) && n >= 1 && n <= 200 ? n : 200;
}

async function setPassword() {
  const token = setPasswordToken(location.hash);
  if (!token) return;
  const password = el.newPassword.value;
  if (password.length < 10) {
    el.passwordError.textContent = t("The password must be at least 10 characters long.");
    return;
  }
  if (password !== el.newPasswordAgain.value) {
    el.passwordError.textContent = t("The passwords are not the same.");
    return;
  }
  const r = await call("POST", "/api/password", { token, password });
  if (!r.ok) {
    el.passwordError.textContent = r.status === 400
      ? t("This link is not valid any more. Ask your administrator for a new one.")
      : problemsOf(r.status, r.body).map((p) => p.message).join(" ");
    return;
  }
  el.passwordError.textContent = "";
  el.newPassword.value = "";
  el.newPasswordAgain.value = "";
  history.replaceState(null, "", location.pathname);
  el.username.value = r.body.username;
  showView("login");
  say(t("Your password is set. Sign in with it."));
  el.password.focus();
}
