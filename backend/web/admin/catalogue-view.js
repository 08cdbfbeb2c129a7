// @ts-check
// An authority admin's catalogue: the service menu (names and plain-language
// descriptions in Finnish, Swedish and English, duration, identification
// need, languages) and each official's services, languages and working hours.

import { currentLanguage, t } from "../official/i18n.js";
import { call } from "./api.js";
import { ID, problemsOf } from "./forms.js";
import { hoursEditor } from "./hours.js";
import { failure, h, makeForm, newId, panel, table } from "./ui.js";

const LANGS = [{ value: "fi", label: "Suomi" }, { value: "sv", label: "Svenska" }, { value: "en", label: "English" }];

/** Checkboxes in a fieldset; `read()` gives the checked values. @param {string} legend @param {{value: string, label: string}[]} options */
function checkboxes(legend, options) {
  const boxes = options.map((o) => {
    const id = newId("cb");
    const box = h("input", { type: "checkbox", id, value: o.value });
    return { box, node: h("div", { class: "check" }, [box, h("label", { for: id, text: o.label })]) };
  });
  return {
    node: h("fieldset", { class: "checks" }, [h("legend", { text: legend }), ...boxes.map((b) => b.node)]),
    read: () => boxes.filter((b) => b.box.checked).map((b) => b.box.value),
    /** @param {string[]} values */
    set: (values) => { for (const b of boxes) b.box.checked = values.includes(b.box.value); },
  };
}

/** @param {string} id */
function identificationName(id) {
  return { none: t("No identification"), strong_eid: t("Strong e-identification at the booth"),
    in_person: t("ID document checked at the desk") }[id] ?? id;
}

/** A language's name in the page's language ("Russian", "venäjä"), or its code. @param {string} code */
function languageName(code) {
  try {
    return new Intl.DisplayNames([currentLanguage()], { type: "language" }).of(code) || code;
  } catch {
    return code;
  }
}

/** @param {HTMLElement} root @param {(m: string) => void} say @param {{ organisation_id: string }} me */
export async function servicesView(root, say, me) {
  const list = h("div");
  const languages = checkboxes(t("Languages served"), LANGS);
  // The booth's screen-only languages (Russian): optional name and description for the booth's screens.
  const screen = await call("GET", "/api/screen-languages");
  /** @type {string[]} */
  const screenLanguages = screen.ok ? screen.body.screen_only : [];
  /** @type {import("./ui.js").FieldSpec[]} */
  const screenFields = screenLanguages.flatMap((lang) => [
    { name: `screen_name_${lang}`, label: t("Name in {language} (booth screens only)", { language: languageName(lang) }),
      hint: t("Optional. Without it the service is not offered on booth screens in this language.") },
    { name: `screen_description_${lang}`, type: /** @type {const} */ ("textarea"),
      label: t("Plain-language description in {language} (booth screens only)", { language: languageName(lang) }) },
  ]);
  const form = makeForm({
    title: t("Service"),
    submit: t("Save service"),
    fields: [
      { name: "id", label: t("Identifier"), required: true, hint: t("Letters, digits, - _ . : (for example kela-housing)") },
      { name: "name_fi", label: t("Name in Finnish"), required: true },
      { name: "name_sv", label: t("Name in Swedish"), required: true },
      { name: "name_en", label: t("Name in English"), required: true },
      { name: "description_fi", label: t("Plain-language description in Finnish"), type: "textarea" },
      { name: "description_sv", label: t("Plain-language description in Swedish"), type: "textarea" },
      { name: "description_en", label: t("Plain-language description in English"), type: "textarea" },
      ...screenFields,
      { name: "duration_min", label: t("Duration in minutes"), type: "number", value: "30", min: 5, max: 240 },
      { name: "identification", label: t("Identification needed"), type: "select",
        options: ["none", "strong_eid", "in_person"].map((x) => ({ value: x, label: identificationName(x) })) },
    ],
    extra: [languages.node],
  });
  async function refresh() {
    const r = await call("GET", `/api/services?organisation=${encodeURIComponent(me.organisation_id)}`);
    if (!r.ok) return say(failure(r.status));
    list.replaceChildren(table(t("Service menu"), [t("Identifier"), t("Name"), t("Duration"), t("Identification"), t("Actions")],
      r.body.map((/** @type {any} */ s) => {
        const edit = h("button", { type: "button", class: "button quiet", text: t("Edit {name}", { name: s.names.fi }) });
        edit.addEventListener("click", () => {
          for (const [k, v] of Object.entries({ id: s.id, duration_min: String(s.duration_min), identification: s.identification,
            name_fi: s.names.fi, name_sv: s.names.sv, name_en: s.names.en, description_fi: s.descriptions.fi ?? "",
            description_sv: s.descriptions.sv ?? "", description_en: s.descriptions.en ?? "",
            ...Object.fromEntries(screenLanguages.flatMap((lang) => [[`screen_name_${lang}`, s.screen_names?.[lang] ?? ""],
              [`screen_description_${lang}`, s.screen_descriptions?.[lang] ?? ""]])) })) {
            const input = form.field(k);
            if (input) input.value = v;
          }
          languages.set(s.languages);
          form.field("name_fi")?.focus();
        });
        return [s.id, s.names.fi, t("{n} min", { n: s.duration_min }), identificationName(s.identification), edit];
      })));
  }
  form.form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const v = form.values();
    if (!ID.test(v.id)) return form.problems([{ field: "id", message: t("Use letters, digits and - _ . : only.") }]);
    const langs = languages.read();
    if (!langs.length) return form.problems([{ field: "", message: t("Choose at least one language.") }]);
    const body = {
      names: { fi: v.name_fi.trim(), sv: v.name_sv.trim(), en: v.name_en.trim() },
      descriptions: { fi: v.description_fi.trim(), sv: v.description_sv.trim(), en: v.description_en.trim() },
      duration_min: Number(v.duration_min), identification: v.identification, languages: langs,
      screen_names: Object.fromEntries(screenLanguages.map((lang) => [lang, v[`screen_name_${lang}`].trim()])
        .filter(([, name]) => name)),
      screen_descriptions: Object.fromEntries(screenLanguages.map((lang) => [lang, v[`screen_description_${lang}`].trim()])
        .filter(([, text]) => text)),
    };
    const r = await call("PUT", `/api/admin/services/${encodeURIComponent(v.id)}`, body);
    if (!r.ok) return form.problems(problemsOf(r.status, r.body));
    form.problems([]);
    say(t("Service {name} saved.", { name: body.names.fi }));
    await refresh();
  });
  root.replaceChildren(panel(t("Service menu"), [list]), panel(t("Service"), [form.form]));
  await refresh();
}

/** @param {HTMLElement} root @param {(m: string) => void} say @param {{ organisation_id: string }} me */
export async function skillsView(root, say, me) {
  const [people, officials, services] = await Promise.all([
    call("GET", `/api/admin/accounts?organisation=${encodeURIComponent(me.organisation_id)}`),
    call("GET", "/api/admin/officials"),
    call("GET", `/api/services?organisation=${encodeURIComponent(me.organisation_id)}`),
  ]);
  if (!people.ok || !officials.ok || !services.ok) return say(failure(people.status || officials.status));
  const names = new Map(people.body.map((/** @type {any} */ a) => [a.official_id, a.display_name]));
  const serving = people.body.filter((/** @type {any} */ a) => a.active && a.roles.some((/** @type {string[]} */ r) => r[0] === "official"));
  const offered = checkboxes(t("Services"), services.body.map((/** @type {any} */ s) => ({ value: s.id, label: s.names.fi })));
  const languages = checkboxes(t("Languages"), LANGS);
  const hours = hoursEditor(t("Working hours"), { start: t("starts"), end: t("ends") });
  const form = makeForm({
    title: t("Official's services and hours"),
    submit: t("Save services and hours"),
    fields: [{ name: "official", label: t("Official"), type: "select",
      options: serving.map((/** @type {any} */ a) => ({ value: a.official_id, label: a.display_name })) }],
    extra: [offered.node, languages.node, hours.node],
  });
  const select = /** @type {HTMLSelectElement} */ (form.field("official"));
  function show() {
    const o = officials.body.find((/** @type {any} */ x) => x.official_id === select.value);
    offered.set(o ? o.services : []);
    languages.set(o ? o.languages : []);
    /** @type {import("./forms.js").Hours[]} */
    const list = [];
    for (const [wd, ivs] of Object.entries(o ? o.hours : {})) {
      const first = /** @type {string[][]} */ (ivs)[0];
      if (first) list.push({ weekday: Number(wd), opens: first[0], closes: first[1] });
    }
    hours.set(list);
  }
  select.addEventListener("change", show);
  show();
  form.form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const weekly = hours.read();
    if (weekly === null) return form.problems([]);
    const body = {
      services: offered.read(), languages: languages.read(),
      hours: weekly.map((x) => ({ weekday: x.weekday, starts: x.opens, ends: x.closes })),
    };
    const r = await call("PUT", `/api/admin/officials/${encodeURIComponent(select.value)}/skills`, body);
    if (!r.ok) return form.problems(problemsOf(r.status, r.body));
    form.problems([]);
    say(t("Saved for {name}.", { name: names.get(select.value) ?? select.value }));
    const again = await call("GET", "/api/admin/officials");
    if (again.ok) officials.body = again.body;
  });
  root.replaceChildren(panel(t("Official's services and hours"), [form.form]));
}
