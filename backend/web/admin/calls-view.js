// @ts-check
// Calls: the calls of some days with their verdicts (GET /api/call-quality),
// and one call's timeline (GET /api/call-quality/{id}): the verdict first —
// whose trouble it was, if any — then the events and the quality reports over
// time. Figures and codes only: no content, officials as their peer ids.

import { currentLanguage, t } from "../official/i18n.js";
import { call } from "./api.js";
import { problemsOf } from "./forms.js";
import { causeText, eventText, sampleCells, sinceStart, verdictText, who } from "./timeline-model.js";
import { failure, h, makeForm, panel, table } from "./ui.js";

/** Today in Helsinki as YYYY-MM-DD (the form's default). */
function today() {
  return new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Helsinki" }).format(new Date());
}

function clock() {
  return new Intl.DateTimeFormat(currentLanguage(), { dateStyle: "short", timeStyle: "medium", timeZone: "Europe/Helsinki" });
}

/** @param {number | null | undefined} n @param {number} [digits] */
function num(n, digits = 0) {
  return n === null || n === undefined ? "–" : n.toLocaleString(currentLanguage(), { maximumFractionDigits: digits });
}

/** @param {any} v the verdict @param {string} id */
function verdictBox(v, id) {
  return h("div", { class: `verdict cause-${v.cause}`, "data-testid": "call-verdict", "data-cause": v.cause }, [
    h("h3", { id, tabindex: "-1", text: causeText(v.cause) }),
    h("p", { text: verdictText(v) }),
  ]);
}

/**
 * @param {HTMLElement} out @param {(m: string) => void} say @param {string} callId
 */
async function showTimeline(out, say, callId) {
  const r = await call("GET", `/api/call-quality/${encodeURIComponent(callId)}`);
  if (!r.ok) return say(r.status === 404 ? t("This call cannot be shown.") : failure(r.status));
  const c = r.body;
  const start = c.requested_at;
  const when = clock();
  const headingId = "timeline-verdict";
  const events = [...c.participants, ...c.events].sort((a, b) => a.at - b.at);
  const links = c.links.map((/** @type {any} */ l) => [
    `${who(l.peer)} ← ${who(l.about_peer)}`, String(l.reports),
    t("{good} good, {fair} fair, {poor} poor", l.levels), num(l.median_rtt_ms), num(l.worst_loss_pct, 1),
    num(l.median_fps),
  ]);
  out.replaceChildren(h("section", { class: "timeline", "data-testid": "call-timeline", "aria-label": t("Call timeline") }, [
    h("p", { class: "hint", text: t("Call at {booth}, {time}", { booth: c.booth_name, time: when.format(new Date(start * 1000)) }) }),
    verdictBox(c.verdict, headingId),
    table(t("What happened"), [t("Time"), t("Event")], events.map((e) => [sinceStart(e.at, start), eventText(e)])),
    links.length ? table(t("Connections over the whole call"),
      [t("Measured by"), t("Reports"), t("Levels"), t("Median delay (ms)"), t("Worst loss (%)"), t("Median frames/s")], links)
      : h("p", { class: "hint", text: t("No quality reports were received for this call.") }),
    c.samples.length ? table(t("Quality over time"),
      [t("Time"), t("Measured by"), t("Quality"), t("Delay (ms)"), t("Loss (%)"), t("Frames/s"), t("Picture"), t("Path")],
      c.samples.map((/** @type {any} */ s) => [sinceStart(s.at, start), ...sampleCells(s, num)])) : null,
  ].filter((x) => x !== null)));
  const heading = document.getElementById(headingId);
  if (heading) heading.focus();
}

/** @param {HTMLElement} root @param {(m: string) => void} say */
export async function callsView(root, say) {
  const day = today();
  const form = makeForm({
    title: t("Calls"),
    submit: t("Show calls"),
    fields: [
      { name: "start", label: t("From"), type: "date", value: day },
      { name: "end", label: t("To"), type: "date", value: day },
    ],
  });
  const list = h("div", { class: "call-list", "aria-live": "polite" });
  const detail = h("div", { class: "call-detail" });
  async function show() {
    const v = form.values();
    const r = await call("GET", `/api/call-quality?${new URLSearchParams({ start: v.start, end: v.end })}`);
    if (!r.ok) return r.status === 422 || r.status === 400 ? form.problems(problemsOf(r.status, r.body)) : say(failure(r.status));
    form.problems([]);
    const when = clock();
    if (!r.body.length) {
      list.replaceChildren(h("p", { class: "hint", text: t("No calls on these days.") }));
      return;
    }
    list.replaceChildren(table(t("Calls"), [t("Time"), t("Booth"), t("Verdict"), t("Details")],
      r.body.map((/** @type {any} */ c) => {
        const open = h("button", { type: "button", class: "button", "data-call": c.call_id, text: t("Timeline") });
        open.addEventListener("click", () => { showTimeline(detail, say, c.call_id).catch(() => say(failure(0))); });
        return [when.format(new Date(c.requested_at * 1000)), c.booth_name,
          h("span", { class: `cause cause-${c.verdict.cause}`, text: `${causeText(c.verdict.cause)} – ${verdictText(c.verdict)}` }),
          open];
      })));
  }
  form.form.addEventListener("submit", (event) => {
    event.preventDefault();
    show().catch(() => say(failure(0)));
  });
  root.replaceChildren(panel(t("Calls"), [
    h("p", { class: "hint", text: t("Each call's verdict tells whose trouble it was: the network, a device, the system or a person.") }),
    form.form, list, detail,
  ]));
  await show();
}
