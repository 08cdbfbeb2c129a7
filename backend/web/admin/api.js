// @ts-check
// The admin API over HTTP with the signed-in token. Every call resolves to
// { ok, status, body } and never rejects: a network failure is status 0, so a
// view always has something to tell the person.

/** @typedef {{ ok: boolean, status: number, body: any }} Answer */

/** @type {string | null} */
let token = null;
/** @type {() => void} */
let onExpired = () => {};

/** Use `value` for the calls from now on (null: signed out). @param {string | null} value */
export function useToken(value) {
  token = value;
}

/** What to do when the server says the sign-in is no longer valid (401). @param {() => void} handler */
export function onSignInExpired(handler) {
  onExpired = handler;
}

/**
 * @param {"GET" | "PUT" | "POST" | "DELETE"} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<Answer>}
 */
export async function call(method, path, body) {
  /** @type {Record<string, string>} */
  const headers = { Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    return { ok: false, status: 0, body: null };
  }
  const type = response.headers.get("Content-Type") || "";
  const parsed = type.includes("json") ? await response.json().catch(() => null) : await response.text();
  if (response.status === 401 && token) onExpired();
  return { ok: response.ok, status: response.status, body: parsed };
}

/** Download a file the API makes (the report's CSV) with the token. @param {string} path @param {string} name */
export async function download(path, name) {
  const response = await fetch(path, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  if (!response.ok) return false;
  const url = URL.createObjectURL(await response.blob());
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  return true;
}

/**
 * A picture (or any file) the API makes, with the token: the blob on 200, else the status and the JSON answer.
 * @param {string} path
 * @returns {Promise<{ status: number, blob: Blob | null, body: any }>}
 */
export async function fetchBlob(path) {
  let response;
  try {
    response = await fetch(path, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  } catch {
    return { status: 0, blob: null, body: null };
  }
  if (response.status === 200) return { status: 200, blob: await response.blob(), body: null };
  if (response.status === 401 && token) onExpired();
  return { status: response.status, blob: null, body: await response.json().catch(() => null) };
}
