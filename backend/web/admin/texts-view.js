// @ts-check
// An authority admin's message texts: the wording of the SMS and e-mails the
// outbox sends for their organisation's bookings, per language. Choose the
// message and the language, edit, preview with sample values (the backend
// fills them and counts the SMS segments), save, or go back to the default.
// The backend checks every text with the domain's rules; the page says the
// simple ones (forms.js messageTextProblems) before the round trip.

import { t } from "../official/i18n.js";
import { call } from "./api.js";
import { messageTextProblems, problemsOf } from "./forms.js";
import { failure, h, makeForm, panel, table } from "./ui.js";

const LANGS = [{ value: "fi", label: "Suomi" }, { value: "sv", label: "Svenska" }, { value: "en", label: "English" }];

/** @typedef {{ key: string, kind: string, part: string, placeholders: string[], required: string[],
 *   max_segments: number | null, max_chars: number, default: Record<string, string>, own: Record<string, string> }} Spec */

/** A message's name in the page. @param {Spec} s */
export function textName(s) {
  const kind = {
    confirmation: t("Booking confirmation"), reminder_day_before: t("Reminder the day before"),
    reminder_same_day: t("Reminder on the day"), reschedule: t("Booking moved"), cancellation: t("Booking cancelled"),
    third_party_invitation: t("Invitation to a third party"), feedback_request: t("Feedback question"),
  }[s.kind] ?? s.kind;
  const part = s.part === "subject" ? t("e-mail subject") : t("SMS and e-mail text");
  return `${kind} – ${part}`;
}

/** @param {HTMLElement} root @param {(m: string) => void} say @param {{ organisation_id: string }} me */
export async function textsView(root, say, me) {
  const base = `/api/admin/organisations/${encodeURIComponent(me.organisation_id)}/texts`;
  const r = await call("GET", base);
  if (!r.ok) return say(failure(r.status));
  /** @type {Spec[]} */
  let specs = r.body;
  const overview = h("div");
  const preview = h("div", { class: "preview", "aria-live": "polite", "data-testid": "text-preview" });
  const rules = h("p", { class: "hint" });
  const form = makeForm({
    title: t("Message text"),
    submit: t("Save text"),
    fields: [
      { name: "key", label: t("Message"), type: "select", options: specs.map((s) => ({ value: s.key, label: textName(s) })) },
      { name: "language", label: t("Language"), type: "select", options: LANGS },
      { name: "text", label: t("Text"), type: "textarea" },
    ],
    extra: [rules],
  });
  const previewButton = h("button", { type: "button", class: "button", text: t("Preview") });
  const defaultButton = h("button", { type: "button", class: "button quiet", text: t("Back to the default text") });
  form.form.append(h("div", { class: "actions" }, [previewButton, defaultButton]));
  const keyField = /** @type {HTMLSelectElement} */ (form.field("key"));
  const langField = /** @type {HTMLSelectElement} */ (form.field("language"));
  const textField = /** @type {HTMLTextAreaElement} */ (form.field("text"));
  textField.rows = 5;

  const current = () => specs.find((s) => s.key === keyField.value) ?? specs[0];
  const url = () => `${base}/${encodeURIComponent(keyField.value)}/${encodeURIComponent(langField.value)}`;

  function show() {
    const s = current();
    const own = s.own[langField.value];
    textField.value = own ?? s.default[langField.value] ?? "";
    const usable = s.placeholders.map((n) => `{${n}}`).join(" ") || t("none");
    const needed = s.required.map((n) => `{${n}}`).join(" ") || t("none");
    rules.textContent = [
      t("Placeholders: {usable}. Needed: {needed}.", { usable, needed }),
      s.max_segments ? t("At most {n} SMS segments with long sample values.", { n: s.max_segments }) : "",
      own === undefined ? t("This is the default text.") : t("This is your organisation's own text."),
    ].filter(Boolean).join(" ");
    defaultButton.disabled = own === undefined;
    preview.replaceChildren();
    form.problems([]);
  }

  function renderOverview() {
    overview.replaceChildren(table(t("Message texts"), [t("Message"), ...LANGS.map((l) => l.label)],
      specs.map((s) => [textName(s), ...LANGS.map((l) => (s.own[l.value] !== undefined ? t("Own text") : t("Default")))])));
  }

  async function reload() {
    const again = await call("GET", base);
    if (again.ok) specs = again.body;
    renderOverview();
    show();
  }

  /** Ask the backend: the preview, or the problems storing it would meet. @returns {Promise<boolean>} */
  async function checkAndShow() {
    const problems = messageTextProblems(current(), textField.value);
    if (problems.length) {
      form.problems(problems);
      return false;
    }
    const answer = await call("POST", `${url()}/preview`, { text: textField.value });
    if (!answer.ok) {
      form.problems(problemsOf(answer.status, answer.body));
      return false;
    }
    form.problems([]);
    preview.replaceChildren(
      h("h3", { text: t("Preview with sample values") }),
      h("p", { class: "preview-text", text: answer.body.text }),
      h("p", { class: "hint", text: current().part === "sms"
        ? t("{segments} SMS segment(s), {n} characters ({encoding}).", {
          segments: answer.body.segments, n: answer.body.characters, encoding: answer.body.encoding })
        : t("{n} characters.", { n: answer.body.characters }) }),
    );
    return true;
  }

  keyField.addEventListener("change", show);
  langField.addEventListener("change", show);
  previewButton.addEventListener("click", () => { checkAndShow().catch(() => say(failure(0))); });
  defaultButton.addEventListener("click", async () => {
    const answer = await call("DELETE", url());
    if (!answer.ok) return say(failure(answer.status));
    const name = textName(current());
    await reload();
    say(t("{name} is back to the default text.", { name }));
  });
  form.form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const problems = messageTextProblems(current(), textField.value);
    if (problems.length) return form.problems(problems);
    const answer = await call("PUT", url(), { text: textField.value });
    if (!answer.ok) return form.problems(problemsOf(answer.status, answer.body));
    const name = textName(current());
    const language = langField.value;
    await reload();
    langField.value = language;
    show();
    say(t("{name} saved. Messages sent from now on use it.", { name }));
  });

  root.replaceChildren(panel(t("Message texts"), [overview]), panel(t("Edit a message text"), [form.form, preview]));
  renderOverview();
  show();
}
