// @ts-check
// The master admin's set-up: organisations, service points (address, weekly
// hours, closure days) and booths (register: the secret and booth.toml shown
// once; a one-time enrollment token, shown once; retire).

import { t } from "../official/i18n.js";
import { call } from "./api.js";
import {
  boothConfig, closureDays, enrollingBoothConfig, helsinkiDay, ID, problemsOf, softwareLine,
} from "./forms.js";
import { hoursEditor } from "./hours.js";
import { failure, h, makeForm, panel, table } from "./ui.js";

/** @typedef {(message: string) => void} Say */

/** @param {HTMLElement} root @param {Say} say */
export async function organisationsView(root, say) {
  const list = h("div");
  const form = makeForm({
    title: t("New organisation"),
    submit: t("Save organisation"),
    fields: [
      { name: "id", label: t("Identifier"), required: true, hint: t("Letters, digits, - _ . : (for example kela)") },
      { name: "name", label: t("Name"), required: true },
    ],
  });
  async function refresh() {
    const r = await call("GET", "/api/admin/organisations");
    if (!r.ok) return say(failure(r.status));
    list.replaceChildren(table(t("Organisations"), [t("Identifier"), t("Name")],
      r.body.map((/** @type {{id: string, name: string}} */ o) => [o.id, o.name])));
  }
  form.form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const v = form.values();
    if (!ID.test(v.id)) return form.problems([{ field: "id", message: t("Use letters, digits and - _ . : only.") }]);
    const r = await call("PUT", `/api/admin/organisations/${encodeURIComponent(v.id)}`, { name: v.name.trim() });
    if (!r.ok) return form.problems(problemsOf(r.status, r.body));
    form.problems([]);
    form.reset();
    say(t("Organisation {name} saved.", { name: v.name.trim() }));
    await refresh();
  });
  root.replaceChildren(panel(t("Organisations"), [list]), panel(t("New organisation"), [form.form]));
  await refresh();
}

/** @param {HTMLElement} root @param {Say} say */
export async function pointsView(root, say) {
  const list = h("div");
  const hours = hoursEditor(t("Opening hours"), { start: t("opens"), end: t("closes") });
  const form = makeForm({
    title: t("Service point"),
    submit: t("Save service point"),
    fields: [
      { name: "id", label: t("Identifier"), required: true, hint: t("Letters, digits, - _ . : (for example joensuu)") },
      { name: "name", label: t("Name"), required: true },
      { name: "address", label: t("Address") },
      { name: "closures", label: t("Closure days"), type: "textarea", hint: t("One date per line, like 2026-12-24.") },
    ],
    extra: [hours.node],
  });
  /** @type {any[]} */
  let points = [];
  async function refresh() {
    const r = await call("GET", "/api/points");
    if (!r.ok) return say(failure(r.status));
    points = r.body;
    list.replaceChildren(table(t("Service points"), [t("Identifier"), t("Name"), t("Address"), t("Actions")], points.map((p) => {
      const edit = h("button", { type: "button", class: "button quiet", text: t("Edit {name}", { name: p.name }) });
      edit.addEventListener("click", () => fill(p));
      return [p.id, p.name, p.address, edit];
    })));
  }
  /** @param {any} p */
  function fill(p) {
    const set = (/** @type {string} */ name, /** @type {string} */ value) => {
      const input = form.field(name);
      if (input) input.value = value;
    };
    set("id", p.id);
    set("name", p.name);
    set("address", p.address);
    set("closures", p.closures.join("\n"));
    hours.set(p.hours.map((/** @type {any} */ x) => ({ weekday: x.weekday, opens: x.opens, closes: x.closes })));
    form.field("name")?.focus();
  }
  form.form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const v = form.values();
    if (!ID.test(v.id)) return form.problems([{ field: "id", message: t("Use letters, digits and - _ . : only.") }]);
    const closures = closureDays(v.closures);
    const weekly = hours.read();
    if (closures.problems.length) return form.problems(closures.problems);
    if (weekly === null) return form.problems([]);
    const body = { name: v.name.trim(), address: v.address.trim(), hours: weekly, closures: closures.days };
    const r = await call("PUT", `/api/admin/points/${encodeURIComponent(v.id)}`, body);
    if (!r.ok) return form.problems(problemsOf(r.status, r.body));
    form.problems([]);
    say(t("Service point {name} saved.", { name: body.name }));
    await refresh();
  });
  root.replaceChildren(panel(t("Service points"), [list]), panel(t("Service point"), [form.form]));
  await refresh();
}

/** @param {HTMLElement} root @param {Say} say */
export async function boothsView(root, say) {
  const list = h("div");
  const shown = h("div", { "aria-live": "polite" });
  const points = await call("GET", "/api/points");
  const form = makeForm({
    title: t("Register a booth"),
    submit: t("Register booth"),
    fields: [
      { name: "id", label: t("Identifier"), required: true, hint: t("Never reused (for example joensuu-1)") },
      { name: "name", label: t("Name"), required: true },
      { name: "point_id", label: t("Service point"), type: "select",
        options: (points.ok ? points.body : []).map((/** @type {any} */ p) => ({ value: p.id, label: p.name })) },
    ],
  });
  async function refresh() {
    const r = await call("GET", "/api/admin/booths");
    if (!r.ok) return say(failure(r.status));
    list.replaceChildren(table(t("Booths"),
      [t("Identifier"), t("Name"), t("Service point"), t("State"), t("Identity"), t("Software, running since"),
        t("Actions")],
      r.body.map((/** @type {any} */ b) => {
        const identity = b.enrolled
          ? t("Certificate until {day}", { day: helsinkiDay(b.certificate_until) })
          : t("Secret (not enrolled)");
        const software = softwareLine(b) ?? t("Not reported yet");
        if (b.retired) return [b.booth_id, b.name, b.point_id, t("Retired"), identity, software, ""];
        const enroll = h("button", { type: "button", class: "button", text: t("Enrollment token for {id}", { id: b.booth_id }) });
        enroll.addEventListener("click", async () => {
          const answer = await call("POST", `/api/admin/booths/${encodeURIComponent(b.booth_id)}/enrollment`);
          if (!answer.ok) return say(answer.status === 503 ? t("Enrollment is not configured on the server.") : failure(answer.status));
          const until = new Date(answer.body.expires_at * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
          shown.replaceChildren(h("div", { class: "secret", "data-testid": "enrollment-token" }, [
            h("h3", { text: t("Enrollment token for {id}", { id: b.booth_id }) }),
            h("p", { text: t("Type this on the booth's enrollment screen before {time}. It works once and is shown only once.", { time: until }) }),
            h("pre", { class: "token", "aria-label": t("Enrollment token"), tabindex: 0, text: answer.body.token }),
            h("p", { text: t("The booth's booth.toml needs no identifier and no secret:") }),
            h("pre", { "aria-label": t("Booth configuration"), tabindex: 0, text: enrollingBoothConfig(location.origin) }),
          ]));
          shown.scrollIntoView({ block: "nearest" });
        });
        const retire = h("button", { type: "button", class: "button danger", text: t("Retire {id}", { id: b.booth_id }) });
        retire.addEventListener("click", async () => {
          if (retire.dataset.confirm !== "yes") { // a second press confirms: no accidental retirement
            retire.dataset.confirm = "yes";
            retire.textContent = t("Press again to retire {id} for good", { id: b.booth_id });
            return;
          }
          const answer = await call("POST", `/api/admin/booths/${encodeURIComponent(b.booth_id)}/retire`);
          say(answer.ok ? t("Booth {id} retired.", { id: b.booth_id }) : failure(answer.status));
          await refresh();
        });
        return [b.booth_id, b.name, b.point_id, t("In use"), identity, software,
          h("div", { class: "actions" }, [enroll, retire])];
      })));
  }
  form.form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const v = form.values();
    if (!ID.test(v.id)) return form.problems([{ field: "id", message: t("Use letters, digits and - _ . : only.") }]);
    const r = await call("PUT", `/api/admin/booths/${encodeURIComponent(v.id)}`, { name: v.name.trim(), point_id: v.point_id });
    if (!r.ok) return form.problems(problemsOf(r.status, r.body));
    form.problems([]);
    form.reset();
    shown.replaceChildren(h("div", { class: "secret", "data-testid": "booth-secret" }, [
      h("h3", { text: t("Booth {id} registered", { id: r.body.booth_id }) }),
      h("p", { text: t("Put this in the booth's booth.toml now. The secret is shown only once.") }),
      h("pre", { "aria-label": t("Booth configuration"), tabindex: 0, text: boothConfig(location.origin, r.body.booth_id,
        r.body.secret) }),
    ]));
    await refresh();
  });
  root.replaceChildren(panel(t("Booths"), [list]), panel(t("Register a booth"), [form.form, shown]));
  await refresh();
}
