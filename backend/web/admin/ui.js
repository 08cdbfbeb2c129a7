// @ts-check
// Small DOM builders for the admin app: elements with text only (never
// innerHTML), labelled form fields with their error line, and a status line.
// Every field has a visible <label> (or an aria-label in a table of hours), so
// the app is usable by keyboard and screen reader and tests find fields by label.

import { t } from "../official/i18n.js";

/** @typedef {import("./forms.js").Problem} Problem */

/**
 * An element with attributes and children (strings become text nodes).
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, string | boolean | number | undefined>} [attrs]
 * @param {(Node | string | null | undefined | false)[]} [children]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (name === "text") node.textContent = String(value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

let uid = 0;
/** A fresh id for a label's `for`. @param {string} base */
export function newId(base) {
  uid += 1;
  return `${base}-${uid}`;
}

/**
 * @typedef {{
 *   name: string, label: string, type?: "text" | "email" | "password" | "number" | "date" | "select" | "textarea",
 *   options?: { value: string, label: string }[], value?: string, required?: boolean, autocomplete?: string,
 *   hint?: string, min?: number, max?: number,
 * }} FieldSpec
 */

/**
 * A form made of labelled fields and a submit button; `values()` reads them, `problems()` shows
 * the backend's or the page's problems next to the fields they name (others above the button).
 * @param {{ title: string, fields: FieldSpec[], submit: string, extra?: Node[] }} spec
 */
export function makeForm(spec) {
  const form = h("form", { novalidate: true, "aria-label": spec.title });
  /** @type {Map<string, { input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, error: HTMLElement }>} */
  const fields = new Map();
  for (const f of spec.fields) {
    const id = newId(`f-${f.name}`);
    const errorId = `${id}-error`;
    /** @type {HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement} */
    let input;
    if (f.type === "select") {
      input = h("select", { id, name: f.name, "aria-describedby": errorId });
      for (const o of f.options ?? []) input.append(h("option", { value: o.value, text: o.label }));
    } else if (f.type === "textarea") {
      input = h("textarea", { id, name: f.name, rows: 3, "aria-describedby": errorId });
    } else {
      input = h("input", {
        id, name: f.name, type: f.type ?? "text", autocomplete: f.autocomplete ?? "off", "aria-describedby": errorId,
        min: f.min, max: f.max, spellcheck: "false",
      });
    }
    if (f.required) input.setAttribute("aria-required", "true");
    if (f.value !== undefined) input.value = f.value;
    const error = h("p", { id: errorId, class: "field-error" });
    form.append(h("div", { class: "field" }, [
      h("label", { for: id, text: f.label }), input, f.hint ? h("p", { class: "hint", text: f.hint }) : null, error,
    ]));
    fields.set(f.name, { input, error });
  }
  for (const node of spec.extra ?? []) form.append(node);
  const formError = h("p", { class: "form-error", role: "alert" });
  const button = h("button", { type: "submit", class: "button primary", text: spec.submit });
  form.append(formError, button);

  return {
    form,
    button,
    /** @param {string} name */
    field: (name) => fields.get(name)?.input,
    /** @returns {Record<string, string>} */
    values() {
      /** @type {Record<string, string>} */
      const out = {};
      for (const [name, { input }] of fields) out[name] = input.value;
      return out;
    },
    /** @param {Problem[]} problems */
    problems(problems) {
      for (const { input, error } of fields.values()) {
        error.textContent = "";
        input.removeAttribute("aria-invalid");
      }
      formError.textContent = "";
      /** @type {string[]} */
      const general = [];
      for (const p of problems) {
        const target = fields.get(p.field);
        if (target) {
          target.error.textContent = p.message;
          target.input.setAttribute("aria-invalid", "true");
        } else {
          general.push(p.field ? `${p.field}: ${p.message}` : p.message);
        }
      }
      formError.textContent = general.join(" ");
      const first = [...fields.values()].find((x) => x.input.getAttribute("aria-invalid") === "true");
      if (first) first.input.focus();
    },
    reset() {
      form.reset();
    },
  };
}

/**
 * A table with a caption and header row; `rows` are arrays of cells (text or nodes).
 * @param {string} caption
 * @param {string[]} headers
 * @param {(string | Node)[][]} rows
 */
export function table(caption, headers, rows) {
  return h("table", { class: "data" }, [
    h("caption", { text: caption }),
    h("thead", {}, [h("tr", {}, headers.map((x) => h("th", { scope: "col", text: x })))]),
    h("tbody", {}, rows.map((cells) => h("tr", {}, cells.map((c) => h("td", {}, [c]))))),
  ]);
}

/** A section of the page with its heading. @param {string} title @param {Node[]} children */
export function panel(title, children) {
  const id = newId("panel");
  return h("section", { class: "card", "aria-labelledby": id }, [h("h2", { id, text: title }), ...children]);
}

/** The network failed or the server answered oddly: the words for it. @param {number} status */
export function failure(status) {
  return status === 0
    ? t("Cannot reach the server. Check the network connection and try again.")
    : t("The server refused this (HTTP {status}).", { status });
}
