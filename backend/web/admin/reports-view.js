// @ts-check
// Reports: an organisation's figures beside the all-organisation comparison,
// by point, service and period, as tables and charts (Chart.js, served from
// vendor/ — see scripts/vendor-web.mjs), and the same report as CSV for
// Finnish Excel. An official's own counts ("mine") have no comparison.

import { currentLanguage, t } from "../official/i18n.js";
import { call, download } from "./api.js";
import { problemsOf } from "./forms.js";
import { CHARTED, chartData, defaultPeriod, formatNumber, sections } from "./report-model.js";
import { failure, h, makeForm, panel, table } from "./ui.js";

/** A section's title. @param {string} section */
function sectionName(section) {
  return {
    meetings: t("Meetings"), bookings: t("Bookings"), bookings_by_status: t("Bookings by status"),
    bookings_by_channel: t("Bookings by channel"), bookings_by_language: t("Bookings by language"),
    bookings_by_service: t("Bookings by service"), bookings_by_point: t("Bookings by service point"),
    booking_lead_time: t("Booking lead time"), served_by_language: t("Citizens served by language"),
    booth_utilisation: t("Booth utilisation"),
    meetings_by_identification: t("Meetings by identification method"),
    feedback_citizen_service: t("Feedback: citizen, the service"),
    feedback_citizen_ease: t("Feedback: citizen, ease of use"),
    feedback_citizen_overall: t("Feedback: citizen, overall"), feedback_sms_overall: t("Feedback: SMS, overall"),
    feedback_official_technical: t("Feedback: official, technical quality"),
    feedback_official_handled: t("Feedback: official, matter handled"), feedback: t("Feedback"),
    third_parties_by_role: t("Third parties in meetings, by role"), third_parties: t("Third parties"),
  }[section] ?? section;
}

/** A figure's name; ids of services and points are shown as they are. @param {string} key */
function keyName(key) {
  return {
    spoken_interpreter: t("Interpreter"), sign_interpreter: t("Sign-language interpreter"),
    support_person: t("Support person"), meetings_with: t("Meetings with a third party"),
    requests: t("Requests at a booth"), count: t("Count"), left_before_admitted: t("Left before being admitted"),
    avg_duration_min: t("Average meeting length (min)"), service_hours: t("Service time (h)"),
    avg_wait_min: t("Average wait (min)"), reschedules: t("Reschedules"), booked: t("Booked"),
    completed: t("Completed"), cancelled: t("Cancelled"), citizen_no_show: t("Citizen did not come"),
    official_no_show: t("Official did not come"), checked_in: t("Checked in"), in_lobby: t("In the lobby"),
    in_call: t("In a call"), advisor: t("Advisor"), phone: t("Phone"), official: t("Official"), web: t("Web"),
    booth: t("Booth"), fi: "Suomi", sv: "Svenska", en: "English", avg_days: t("Average lead time (days)"),
    under_1_day: t("Less than a day"), "1_to_7_days": t("1–7 days"), "7_to_30_days": t("7–30 days"),
    over_30_days: t("Over 30 days"), booths: t("Booths"), open_hours: t("Open hours"), in_use_hours: t("Hours in use"),
    percent: t("Utilisation (%)"), id_card: t("ID card"), in_person: t("In person"), none: t("Not identified"),
    answers: t("Answers"), avg: t("Average (1–5)"), citizen_skipped: t("Citizen skipped the questions"),
    sms_asked: t("SMS questions sent"),
  }[key] ?? key;
}

/** What is not stored yet. @param {string} key */
function missingName(key) {
  return { identification_method: t("identification method"), feedback: t("feedback"),
    third_parties: t("third parties") }[key] ?? key;
}

/** @type {any[]} */
const charts = [];

/**
 * @param {HTMLElement} out
 * @param {any} report
 */
function showReport(out, report) {
  for (const c of charts.splice(0)) c.destroy();
  const lang = currentLanguage();
  const comparing = report.all.length > 0;
  const Chart = /** @type {any} */ (window).Chart;
  const nodes = sections(report.own, report.all).map((s) => {
    const headers = comparing ? [t("Figure"), t("Own"), t("All organisations")] : [t("Figure"), t("Value")];
    const rows = s.rows.map((r) => comparing
      ? [keyName(r.key), formatNumber(r.own, lang), formatNumber(r.all ?? 0, lang)]
      : [keyName(r.key), formatNumber(r.own, lang)]);
    /** @type {HTMLElement[]} */
    const children = [table(sectionName(s.section), headers, rows)];
    if (CHARTED.includes(s.section) && s.rows.length && Chart) {
      const canvas = h("canvas", { role: "img", "aria-label": t("Chart: {name}", { name: sectionName(s.section) }) });
      children.unshift(h("div", { class: "chart" }, [canvas]));
      const d = chartData(s);
      const datasets = [{ label: comparing ? t("Own (%)") : t("Count"), data: comparing ? d.ownShare : d.own,
        backgroundColor: "#1f5fa8" }];
      if (comparing && d.allShare) datasets.push({ label: t("All organisations (%)"), data: d.allShare, backgroundColor: "#9bb7d4" });
      charts.push(new Chart(canvas, {
        type: "bar",
        data: { labels: d.labels.map(keyName), datasets },
        options: { animation: false, responsive: true, maintainAspectRatio: false },
      }));
    }
    return h("section", { class: "report-section", "data-section": s.section }, [h("h3", { text: sectionName(s.section) }), ...children]);
  });
  const note = report.not_stored.length ? [h("p", { class: "hint", text: t("Not counted yet, because it is not stored yet: {list}.",
    { list: report.not_stored.map(missingName).join(", ") }) })] : [];
  out.replaceChildren(...nodes, ...note);
}

/**
 * @param {HTMLElement} root @param {(m: string) => void} say
 * @param {{ master: boolean, admin_of: string[], reporter_of: string[] }} me
 * @param {boolean} mine an official's own counts
 */
export async function reportsView(root, say, me, mine) {
  const period = defaultPeriod(new Date());
  const out = h("div", { class: "report", "aria-live": "polite" });
  /** @type {import("./ui.js").FieldSpec[]} */
  const fields = [
    { name: "start", label: t("From"), type: "date", value: period.start },
    { name: "end", label: t("To"), type: "date", value: period.end },
  ];
  if (!mine) {
    const [orgs, points, services] = await Promise.all([
      call("GET", "/api/admin/organisations"), call("GET", "/api/points"), call("GET", "/api/services"),
    ]);
    const visible = new Set([...me.admin_of, ...me.reporter_of]);
    const orgOptions = (orgs.ok ? orgs.body : []).filter((/** @type {any} */ o) => me.master || visible.has(o.id))
      .map((/** @type {any} */ o) => ({ value: o.id, label: o.name }));
    if (me.master) orgOptions.unshift({ value: "", label: t("All organisations") });
    const any = { value: "", label: t("All") };
    fields.unshift(
      { name: "organisation", label: t("Organisation"), type: "select", options: orgOptions },
      { name: "point", label: t("Service point"), type: "select",
        options: [any, ...(points.ok ? points.body : []).map((/** @type {any} */ p) => ({ value: p.id, label: p.name }))] },
      { name: "service", label: t("Service"), type: "select",
        options: [any, ...(services.ok ? services.body : []).filter((/** @type {any} */ s) => me.master || visible.has(s.organisation_id))
          .map((/** @type {any} */ s) => ({ value: s.id, label: s.names[currentLanguage()] ?? s.id }))] },
    );
  }
  const csv = h("button", { type: "button", class: "button", text: t("Download CSV") });
  const form = makeForm({ title: t("Report"), submit: t("Show report"), fields, extra: mine ? [] : [] });
  /** The query string of the form's choices. */
  function query() {
    const v = form.values();
    const q = new URLSearchParams({ start: v.start, end: v.end });
    for (const k of ["organisation", "point", "service"]) if (v[k]) q.set(k, v[k]);
    return q;
  }
  async function show() {
    const r = await call("GET", `${mine ? "/api/reports/mine" : "/api/reports"}?${query()}`);
    if (!r.ok) return r.status === 422 || r.status === 400 ? form.problems(problemsOf(r.status, r.body)) : say(failure(r.status));
    form.problems([]);
    showReport(out, r.body);
  }
  form.form.addEventListener("submit", (event) => {
    event.preventDefault();
    show().catch(() => say(failure(0)));
  });
  csv.addEventListener("click", async () => {
    const q = query();
    q.set("lang", currentLanguage());
    const ok = await download(`/api/reports.csv?${q}`, `etapiste-${q.get("start")}-${q.get("end")}.csv`);
    if (!ok) say(t("The CSV could not be made. Check the choices and try again."));
  });
  root.replaceChildren(panel(mine ? t("My counts") : t("Reports"), [form.form, mine ? null : csv, out].filter((x) => x !== null)));
  await show();
}
