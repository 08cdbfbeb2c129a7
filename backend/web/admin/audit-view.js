// @ts-check
// The audit log for the master admin: whether the hash chain verifies, and
// the newest entries (who, what, which resource, when — nothing personal).

import { t } from "../official/i18n.js";
import { call } from "./api.js";
import { failure, h, panel, table } from "./ui.js";

/** @param {HTMLElement} root @param {(m: string) => void} say */
export async function auditView(root, say) {
  const r = await call("GET", "/api/admin/audit");
  if (!r.ok) return say(failure(r.status));
  const verdict = r.body.ok
    ? t("The audit log is intact: {n} entries.", { n: r.body.head_seq })
    : t("The audit log is broken at entry {seq}: {reason}", { seq: r.body.broken_at, reason: r.body.reason });
  const when = new Intl.DateTimeFormat(undefined, { dateStyle: "short", timeStyle: "medium", timeZone: "Europe/Helsinki" });
  root.replaceChildren(panel(t("Audit log"), [
    h("p", { class: r.body.ok ? "verdict ok" : "verdict broken", role: "status", text: verdict }),
    table(t("Newest entries"), ["#", t("Time"), t("Who"), t("What"), t("Resource"), t("Detail")],
      r.body.entries.map((/** @type {any} */ e) => [String(e.seq), when.format(new Date(e.at * 1000)), e.actor, e.action,
        `${e.resource_kind} ${e.resource_id}`, e.detail])),
  ]));
}
