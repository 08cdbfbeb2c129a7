// @ts-check
// The weekly hours editor: a table of seven weekdays with a start and an end
// time each (empty: closed). Used for a point's opening hours and an
// official's working hours; each input is labelled "Monday opens" and so on.

import { t } from "../official/i18n.js";
import { weeklyHours, WEEKDAYS } from "./forms.js";
import { h, newId } from "./ui.js";

/** @typedef {import("./forms.js").Hours} Hours */

/** Weekday names, 1 = Monday. */
function dayName(/** @type {number} */ wd) {
  return [t("Monday"), t("Tuesday"), t("Wednesday"), t("Thursday"), t("Friday"), t("Saturday"), t("Sunday")][wd - 1];
}

/**
 * @param {string} legend
 * @param {{ start: string, end: string }} words what the two columns are ("opens"/"closes" or "starts"/"ends")
 */
export function hoursEditor(legend, words) {
  const errorId = newId("hours-error");
  const error = h("p", { id: errorId, class: "field-error" });
  /** @type {{ weekday: number, opens: HTMLInputElement, closes: HTMLInputElement }[]} */
  const rows = WEEKDAYS.map((wd) => ({
    weekday: wd,
    opens: h("input", { "aria-label": `${dayName(wd)} ${words.start}`, placeholder: "09:00", size: 6, inputmode: "numeric",
      "aria-describedby": errorId }),
    closes: h("input", { "aria-label": `${dayName(wd)} ${words.end}`, placeholder: "15:00", size: 6, inputmode: "numeric",
      "aria-describedby": errorId }),
  }));
  const node = h("fieldset", { class: "hours" }, [
    h("legend", { text: legend }),
    h("table", { class: "data hours-table" }, [
      h("thead", {}, [h("tr", {}, [
        h("th", { scope: "col", text: t("Day") }), h("th", { scope: "col", text: words.start }),
        h("th", { scope: "col", text: words.end }),
      ])]),
      h("tbody", {}, rows.map((r) => h("tr", {}, [
        h("th", { scope: "row", text: dayName(r.weekday) }), h("td", {}, [r.opens]), h("td", {}, [r.closes]),
      ]))),
    ]),
    h("p", { class: "hint", text: t("Leave both times empty for a closed day.") }),
    error,
  ]);
  return {
    node,
    /** @param {Hours[]} hours */
    set(hours) {
      for (const r of rows) {
        const found = hours.find((x) => x.weekday === r.weekday);
        r.opens.value = found ? found.opens.slice(0, 5) : "";
        r.closes.value = found ? found.closes.slice(0, 5) : "";
      }
    },
    /** The hours, or null after showing what is wrong. @returns {Hours[] | null} */
    read() {
      const { hours, problems } = weeklyHours(rows.map((r) => ({
        weekday: r.weekday, opens: r.opens.value, closes: r.closes.value,
      })));
      error.textContent = problems.length
        ? problems.map((p) => `${dayName(Number(p.field.split(".")[1]))}: ${p.message}`).join(" ")
        : "";
      for (const r of rows) {
        const bad = problems.some((p) => p.field.startsWith(`hours.${r.weekday}`));
        for (const input of [r.opens, r.closes]) {
          if (bad) input.setAttribute("aria-invalid", "true");
          else input.removeAttribute("aria-invalid");
        }
      }
      return problems.length ? null : hours;
    },
  };
}
