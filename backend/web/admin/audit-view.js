// @ts-check
// The audit log for the master admin: whether the hash chain verifies, and
// its entries a page at a time (who, what, which resource, when — nothing
// personal). "Older" and "Newer" page by the entries' sequence numbers
// (keyset: a page stays put while new entries arrive); the filters stay as
// they are while paging.

import { t } from "../official/i18n.js";
import { call } from "./api.js";
import { problemsOf } from "./forms.js";
import { failure, h, makeForm, panel, table } from "./ui.js";

/** The page size (the API's largest). */
const PAGE = 200;

/** @param {HTMLElement} root @param {(m: string) => void} say @param {number} [pageSize] */
export async function auditView(root, say, pageSize = PAGE) {
  const verdictLine = h("p", { role: "status" });
  const entries = h("div");
  const pageInfo = h("p", { class: "hint", "aria-live": "polite" });
  const older = h("button", { type: "button", class: "button", text: t("Older entries") });
  const newer = h("button", { type: "button", class: "button", text: t("Newer entries") });
  const filters = makeForm({
    title: t("Filter the audit log"),
    submit: t("Filter"),
    fields: [
      { name: "action", label: t("Action"), hint: t("An action or its beginning, for example booking. or message_text") },
      { name: "resource_kind", label: t("Resource kind"), hint: t("For example organisation, account, booth") },
    ],
  });
  const when = new Intl.DateTimeFormat(undefined, { dateStyle: "short", timeStyle: "medium", timeZone: "Europe/Helsinki" });
  /** @type {{ action: string, resource_kind: string }} */
  let applied = { action: "", resource_kind: "" };
  /** @type {{ first: number, last: number } | null} */
  let shown = null;

  /** Load a page: the newest, or those before/after a sequence number. @param {{ before?: number, after?: number }} at */
  async function load(at) {
    const q = new URLSearchParams({ limit: String(pageSize) });
    if (applied.action) q.set("action", applied.action);
    if (applied.resource_kind) q.set("resource_kind", applied.resource_kind);
    if (at.before !== undefined) q.set("before", String(at.before));
    if (at.after !== undefined) q.set("after", String(at.after));
    const r = await call("GET", `/api/admin/audit?${q}`);
    if (!r.ok) {
      if (r.status === 422) return filters.problems(problemsOf(r.status, r.body));
      return say(failure(r.status));
    }
    filters.problems([]);
    const body = r.body;
    verdictLine.className = body.ok ? "verdict ok" : "verdict broken";
    verdictLine.textContent = body.ok
      ? t("The audit log is intact: {n} entries.", { n: body.head_seq })
      : t("The audit log is broken at entry {seq}: {reason}", { seq: body.broken_at, reason: body.reason });
    const rows = /** @type {any[]} */ (body.entries);
    shown = rows.length ? { first: rows[0].seq, last: rows[rows.length - 1].seq } : null;
    entries.replaceChildren(table(t("Entries"), ["#", t("Time"), t("Who"), t("What"), t("Resource"), t("Detail")],
      rows.map((e) => [String(e.seq), when.format(new Date(e.at * 1000)), e.actor, e.action,
        `${e.resource_kind} ${e.resource_id}`, e.detail])));
    pageInfo.textContent = shown
      ? t("Entries {first}–{last}, newest first.", { first: shown.last, last: shown.first })
      : t("No entries.");
    older.disabled = !body.older;
    newer.disabled = !body.newer;
    root.dataset.auditFirst = shown ? String(shown.first) : "";
  }

  older.addEventListener("click", () => { if (shown) load({ before: shown.last }).catch(() => say(failure(0))); });
  newer.addEventListener("click", () => { if (shown) load({ after: shown.first }).catch(() => say(failure(0))); });
  filters.form.addEventListener("submit", (event) => {
    event.preventDefault();
    const v = filters.values();
    applied = { action: v.action.trim(), resource_kind: v.resource_kind.trim() };
    load({}).catch(() => say(failure(0)));
  });

  const pager = h("nav", { class: "actions", "aria-label": t("Pages of the audit log") }, [newer, older]);
  root.replaceChildren(panel(t("Audit log"), [verdictLine, filters.form, pageInfo, pager, entries]));
  await load({});
}
