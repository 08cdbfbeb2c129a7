// @ts-check
// An authority admin's closure days: days their organisation serves nobody
// (at any point). Its services offer no free time and take no booking on
// them; the points' own closure days stay the master admin's.

import { t } from "../official/i18n.js";
import { call } from "./api.js";
import { problemsOf, withClosure } from "./forms.js";
import { failure, h, makeForm, panel, table } from "./ui.js";

/** @param {HTMLElement} root @param {(m: string) => void} say @param {{ organisation_id: string }} me */
export async function closuresView(root, say, me) {
  const url = `/api/admin/organisations/${encodeURIComponent(me.organisation_id)}/closures`;
  const list = h("div");
  /** @type {{ day: string, reason: string }[]} */
  let closures = [];
  const form = makeForm({
    title: t("Add a closure day"),
    submit: t("Add closure day"),
    fields: [
      { name: "day", label: t("Day"), type: "date", required: true },
      { name: "reason", label: t("Reason"), required: true, hint: t("For example: staff training day") },
    ],
  });

  /** Store the whole list; true when the backend took it. @param {{ day: string, reason: string }[]} next */
  async function save(next) {
    const r = await call("PUT", url, { closures: next });
    if (!r.ok) {
      form.problems(problemsOf(r.status, r.body));
      return false;
    }
    closures = r.body;
    render();
    return true;
  }

  function render() {
    list.replaceChildren(closures.length
      ? table(t("Closure days"), [t("Day"), t("Reason"), t("Actions")], closures.map((c) => {
        const remove = h("button", { type: "button", class: "button quiet", text: t("Remove {day}", { day: c.day }) });
        remove.addEventListener("click", async () => {
          if (await save(closures.filter((x) => x.day !== c.day))) say(t("Closure day {day} removed.", { day: c.day }));
        });
        return [c.day, c.reason, remove];
      }))
      : h("p", { text: t("No closure days.") }));
  }

  form.form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const v = form.values();
    const next = withClosure(closures, v.day, v.reason);
    if (next.problems.length) return form.problems(next.problems);
    if (!(await save(next.closures))) return;
    form.problems([]);
    form.reset();
    say(t("Closure day {day} saved: no bookings for your services on it.", { day: v.day }));
  });

  const r = await call("GET", url);
  if (!r.ok) return say(failure(r.status));
  closures = r.body;
  root.replaceChildren(panel(t("Closure days"), [
    h("p", { class: "hint", text: t("On these days your organisation's services cannot be booked at any service point.") }),
    list,
  ]), panel(t("Add a closure day"), [form.form]));
  render();
}
