// @ts-check
// Booth support for the support provider (and the master admin): every booth's connection, faults,
// recent faults (with times), software and uptime, and a restart of its kiosk or a reboot — refused by the backend while a citizen
// is at the booth. Nothing here is about a citizen — except a screenshot, which the booth sends only with no
// citizen at it or with the citizen's Allow on its screen; the picture is shown here and kept nowhere.

import { t } from "../official/i18n.js";
import { call, download, fetchBlob } from "./api.js";
import { faultLine, softwareLine } from "./forms.js";
import { failure, h, panel, table } from "./ui.js";

/** @typedef {(message: string) => void} Say */

/** @param {HTMLElement} root @param {Say} say */
export async function supportView(root, say) {
  const list = h("div");
  async function refresh() {
    const r = await call("GET", "/api/support/booths");
    if (!r.ok) return say(failure(r.status));
    list.replaceChildren(table(t("Booths"),
      [t("Identifier"), t("Name"), t("Connection"), t("Faults"), t("Recent faults"), t("Software, running since"),
        t("Actions")],
      r.body.map((/** @type {any} */ b) => {
        const connection = !b.online ? t("Offline") : b.in_use ? t("Online, a citizen at the booth") : t("Online");
        const faults = b.faults.length
          ? b.faults.map((/** @type {any} */ f) => `${f.role}: ${f.state}${f.reason ? ` (${f.reason})` : ""}`).join(", ")
          : t("None");
        const actions = h("div", { class: "actions" }, [
          maintenanceButton(b.booth_id, "restart_kiosk", t("Restart the kiosk of {id}", { id: b.booth_id })),
          maintenanceButton(b.booth_id, "reboot", t("Reboot {id}", { id: b.booth_id })),
          logsButton(b.booth_id),
          screenshotButton(b.booth_id),
        ]);
        const recent = b.history.length
          ? h("ul", { class: "fault-history" },
            b.history.slice(0, 10).map((/** @type {any} */ f) => h("li", { text: faultLine(f) })))
          : t("None");
        return [b.booth_id, b.name, connection, faults, recent, softwareLine(b) ?? t("Not reported yet"), actions];
      })));
  }
  /** @param {string} boothId @param {string} action @param {string} label */
  function maintenanceButton(boothId, action, label) {
    const button = h("button", { type: "button", class: "button", text: label });
    button.addEventListener("click", async () => {
      const r = await call("POST", `/api/support/booths/${encodeURIComponent(boothId)}/maintenance`, { action });
      say(r.ok ? t("Sent to {id}.", { id: boothId }) : r.status === 409 ? String(r.body?.detail ?? "") : failure(r.status));
    });
    return button;
  }
  /** Ask the booth for its log, then save it once it has arrived (the booth answers within a moment). */
  /** @param {string} boothId */
  function logsButton(boothId) {
    const button = h("button", { type: "button", class: "button", text: t("Logs of {id}", { id: boothId }) });
    button.addEventListener("click", async () => {
      const asked = await call("POST", `/api/support/booths/${encodeURIComponent(boothId)}/maintenance`,
        { action: "send_logs" });
      if (!asked.ok) return say(asked.status === 409 ? String(asked.body?.detail ?? "") : failure(asked.status));
      for (let i = 0; i < 20; i += 1) {
        if (await download(`/api/support/booths/${encodeURIComponent(boothId)}/logs`, `${boothId}.log`)) {
          return say(t("Logs of {id} saved.", { id: boothId }));
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      say(t("The booth did not send its logs."));
    });
    return button;
  }
  /** The picture shown last; its object URL is released when another replaces it. */
  const shot = h("div", { class: "booth-screenshot" });
  /** Ask the booth for its screen; the citizen may be deciding on the booth (up to 30 s), so wait a while. */
  /** @param {string} boothId */
  function screenshotButton(boothId) {
    const button = h("button", { type: "button", class: "button", text: t("Screenshot of {id}", { id: boothId }) });
    button.addEventListener("click", async () => {
      const path = `/api/support/booths/${encodeURIComponent(boothId)}/screenshot`;
      const asked = await call("POST", path);
      if (!asked.ok) return say(asked.status === 409 ? String(asked.body?.detail ?? "") : failure(asked.status));
      say(t("Asked {id} for its screen. If a citizen is there, they decide on the booth's screen.", { id: boothId }));
      for (let i = 0; i < 60; i += 1) {
        const got = await fetchBlob(`${path}?request_id=${encodeURIComponent(asked.body.request_id)}`);
        if (got.status === 200 && got.blob) {
          const old = shot.querySelector("img")?.getAttribute("src");
          if (old) URL.revokeObjectURL(old);
          const img = h("img", { alt: t("The screen of {id}", { id: boothId }) });
          img.setAttribute("src", URL.createObjectURL(got.blob));
          shot.replaceChildren(h("h3", { text: t("The screen of {id}", { id: boothId }) }), img);
          return say(t("The screen of {id} is shown below.", { id: boothId }));
        }
        if (got.status === 409) {
          const declined = got.body?.detail === "the citizen declined";
          return say(declined ? t("The citizen declined.") : t("The booth could not take the picture."));
        }
        if (got.status !== 202) break;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      say(t("The booth did not send its screen."));
    });
    return button;
  }
  root.replaceChildren(panel(t("Booth support"), [list, shot]));
  await refresh();
}
