// @ts-check
// Accounts: invite by e-mail (a set-password link through the outbox),
// deactivate, send a new link. The master admin invites authority admins and
// advisors too; an authority admin, officials and reporters of their own
// organisation.

import { currentLanguage, t } from "../official/i18n.js";
import { call } from "./api.js";
import { EMAIL, problemsOf, USERNAME } from "./forms.js";
import { failure, h, makeForm, panel, table } from "./ui.js";

/** @typedef {{ master: boolean, organisation_id: string, admin_of: string[] }} Me */

/** A role as people say it. @param {string} role */
export function roleName(role) {
  return {
    official: t("Official"), reporter: t("Reporter"), authority_admin: t("Authority admin"), advisor: t("Advisor"),
    master_admin: t("Master admin"), support: t("Support provider"),
  }[role] ?? role;
}

/** @param {HTMLElement} root @param {(m: string) => void} say @param {Me} me */
export async function accountsView(root, say, me) {
  const orgs = await call("GET", "/api/admin/organisations");
  const points = await call("GET", "/api/points");
  const orgOptions = (orgs.ok ? orgs.body : [])
    .filter((/** @type {any} */ o) => me.master || me.admin_of.includes(o.id))
    .map((/** @type {any} */ o) => ({ value: o.id, label: o.name }));
  const roles = me.master ? ["official", "reporter", "authority_admin", "advisor", "support"] : ["official", "reporter"];
  const list = h("div");
  const filter = h("select", { id: "accounts-org" },
    orgOptions.map((/** @type {{ value: string, label: string }} */ o) => h("option", { value: o.value, text: o.label })));
  const form = makeForm({
    title: t("Invite a person"),
    submit: t("Send invitation"),
    fields: [
      { name: "display_name", label: t("Full name"), required: true },
      { name: "username", label: t("Username"), required: true, hint: t("3–60 of a–z, 0–9 and . _ -") },
      { name: "email", label: t("Work e-mail"), type: "email", required: true },
      { name: "role", label: t("Role"), type: "select", options: roles.map((r) => ({ value: r, label: roleName(r) })) },
      { name: "organisation_id", label: t("Organisation"), type: "select", options: orgOptions },
      { name: "point_id", label: t("Service point (advisors)"), type: "select",
        options: [{ value: "", label: "—" }, ...(points.ok ? points.body : []).map((/** @type {any} */ p) => ({ value: p.id,
          label: p.name }))] },
      { name: "language", label: t("Language of the e-mail"), type: "select",
        options: [{ value: "fi", label: "Suomi" }, { value: "sv", label: "Svenska" }, { value: "en", label: "English" }] },
    ],
  });
  async function refresh() {
    const org = filter.value;
    const r = await call("GET", `/api/admin/accounts?organisation=${encodeURIComponent(org)}`);
    if (!r.ok) return say(failure(r.status));
    list.replaceChildren(table(t("Accounts"), [t("Name"), t("Username"), t("Roles"), t("State"), t("Actions")],
      r.body.map((/** @type {any} */ a) => {
        const actions = h("div", { class: "actions" });
        const reset = h("button", { type: "button", class: "button quiet",
          text: t("Send {name} a new password link", { name: a.display_name }) });
        reset.addEventListener("click", async () => {
          const answer = await call("POST", `/api/admin/accounts/${a.official_id}/reset`, { language: currentLanguage() });
          say(answer.ok ? t("A new password link was sent to {name}.", { name: a.display_name }) : failure(answer.status));
          await refresh();
        });
        actions.append(reset);
        if (a.active) {
          const off = h("button", { type: "button", class: "button danger", text: t("Deactivate {name}", { name: a.display_name }) });
          off.addEventListener("click", async () => {
            const answer = await call("POST", `/api/admin/accounts/${a.official_id}/deactivate`);
            say(answer.ok ? t("{name} can no longer sign in.", { name: a.display_name }) : failure(answer.status));
            await refresh();
          });
          actions.append(off);
        }
        const state = !a.active ? t("Deactivated") : a.invited ? t("Invited") : t("Active");
        return [a.display_name, a.username, a.roles.map((/** @type {string[]} */ r) => roleName(r[0])).join(", "), state,
          actions];
      })));
  }
  filter.addEventListener("change", () => { refresh().catch(() => say(failure(0))); });
  form.form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const v = form.values();
    /** @type {import("./forms.js").Problem[]} */
    const local = [];
    if (!USERNAME.test(v.username)) local.push({ field: "username", message: t("Use 3–60 of a–z, 0–9 and . _ - only.") });
    if (!EMAIL.test(v.email)) local.push({ field: "email", message: t("Write an e-mail address like name@example.fi.") });
    if (v.role === "advisor" && !v.point_id) local.push({ field: "point_id", message: t("Choose the advisor's service point.") });
    if (local.length) return form.problems(local);
    const body = {
      display_name: v.display_name.trim(), username: v.username, email: v.email.trim(), role: v.role,
      organisation_id: v.organisation_id || undefined, point_id: v.role === "advisor" ? v.point_id : undefined,
      language: v.language,
    };
    const r = await call("POST", "/api/admin/accounts", body);
    if (!r.ok) return form.problems(problemsOf(r.status, r.body));
    form.problems([]);
    form.reset();
    say(t("Invitation sent to {name}.", { name: body.display_name }));
    if (body.organisation_id) filter.value = body.organisation_id;
    await refresh();
  });
  const filterField = h("div", { class: "field inline" }, [h("label", { for: "accounts-org", text: t("Organisation") }), filter]);
  root.replaceChildren(panel(t("Accounts"), [filterField, list]), panel(t("Invite a person"), [form.form]));
  await refresh();
}
