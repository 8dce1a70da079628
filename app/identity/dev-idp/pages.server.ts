import type { TFunction } from "i18next";
import type { CastMember } from "./cast.server";

/**
 * The development identity provider's own pages: plain HTML without scripts or inline styles (its CSP allows
 * neither), with a language attribute, labelled controls and landmarks, like the portal's pages.
 */

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

function layout(lng: string, title: string, t: TFunction, body: string): string {
  return `<!DOCTYPE html>
<html lang="${escapeHtml(lng)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} – ${escapeHtml(t("devIdp.title"))}</title>
<link rel="stylesheet" href="/dev-idp.css">
</head>
<body>
<header class="banner">
<p class="brand">${escapeHtml(t("devIdp.title"))}</p>
<p class="badge">${escapeHtml(t("devIdp.badge"))}</p>
</header>
<main id="main">
${body}
</main>
</body>
</html>`;
}

function formatPersonnummer(twelveDigits: string): string {
  return `${twelveDigits.slice(0, 8)}-${twelveDigits.slice(8)}`;
}

function displayName(m: CastMember, t: TFunction): string {
  const name = [m.givenName, m.familyName].filter(Boolean).join(" ");
  return name || t("devIdp.unnamed");
}

export function castNote(m: CastMember, t: TFunction): string {
  const parts: string[] = [];
  if (m.age !== null) parts.push(t("devIdp.note.age", { age: m.age }));
  if (m.deceased) parts.push(t("devIdp.note.deceased"));
  else if (m.age !== null && m.age < 13) parts.push(t("devIdp.note.under13"));
  else if (m.age !== null && m.age < 16) parts.push(t("devIdp.note.teen"));
  if (m.protectedIdentity) parts.push(t("devIdp.note.protected"));
  if (m.children.length > 0) {
    const ages = m.children.map((c) => (c.age === null ? "?" : String(c.age))).join(", ");
    parts.push(t("devIdp.note.guardianOf", { count: m.children.length, ages }));
    const refusals = m.children.flatMap((c) => (c.refusal === null ? [] : [c.refusal]));
    if (refusals.length > 0) {
      const reasons = [...new Set(refusals)].map((r) => t(`devIdp.note.refused.${r}`)).join(", ");
      parts.push(t("devIdp.note.cannotActFor", { count: refusals.length, reasons }));
    }
  }
  return parts.join(", ");
}

export interface LoginPageInput {
  lng: string;
  otherLng: string;
  uid: string;
  cast: CastMember[];
  t: TFunction;
  /** Shown next to the free-text field after an invalid entry. */
  invalid?: boolean;
  enteredPersonnummer?: string;
}

export function loginPage({ lng, otherLng, uid, cast, t, invalid, enteredPersonnummer }: LoginPageInput): string {
  const action = `/interaction/${encodeURIComponent(uid)}`;
  const people =
    cast.length === 0
      ? `<p>${escapeHtml(t("devIdp.noPeople"))}</p>`
      : `<form method="post" action="${action}/login">
<input type="hidden" name="lng" value="${escapeHtml(lng)}">
<ul class="people">
${cast
  .map((m) => {
    const name = displayName(m, t);
    const note = castNote(m, t);
    return `<li><button type="submit" name="personnummer" value="${escapeHtml(m.personnummer)}" class="person">
<span class="person__name">${escapeHtml(t("devIdp.loginAs", { name }))}</span>
<span class="person__number">${escapeHtml(formatPersonnummer(m.personnummer))}</span>
<span class="person__note">${escapeHtml(note)}</span>${m.castKey ? `\n<span class="person__case">${escapeHtml(t(`devIdp.cast.${m.castKey}`))}</span>` : ""}
</button></li>`;
  })
  .join("\n")}
</ul>
</form>`;
  const errorId = "personnummer-error";
  return layout(
    lng,
    t("devIdp.heading"),
    t,
    `<p class="language"><a href="${action}?lng=${escapeHtml(otherLng)}" lang="${escapeHtml(otherLng)}" hreflang="${escapeHtml(otherLng)}">${escapeHtml(t("devIdp.switchLanguage"))}</a></p>
<h1>${escapeHtml(t("devIdp.heading"))}</h1>
<p class="warning">${escapeHtml(t("devIdp.warning"))}</p>
<section aria-labelledby="people-title">
<h2 id="people-title">${escapeHtml(t("devIdp.peopleTitle"))}</h2>
${people}
</section>
<section aria-labelledby="other-title">
<h2 id="other-title">${escapeHtml(t("devIdp.otherTitle"))}</h2>
<p>${escapeHtml(t("devIdp.otherText"))}</p>
<form method="post" action="${action}/login" novalidate>
<input type="hidden" name="lng" value="${escapeHtml(lng)}">
<div class="field">
<label for="personnummer">${escapeHtml(t("devIdp.personnummer"))}</label>
<p class="hint" id="personnummer-hint">${escapeHtml(t("devIdp.personnummerHint"))}</p>
<input id="personnummer" name="personnummer" type="text" inputmode="numeric" autocomplete="off" value="${escapeHtml(enteredPersonnummer ?? "")}" aria-describedby="personnummer-hint ${errorId}"${invalid ? ' aria-invalid="true"' : ""}>
<p class="error" id="${errorId}">${invalid ? escapeHtml(t("devIdp.invalid")) : ""}</p>
</div>
<button type="submit" class="primary">${escapeHtml(t("devIdp.login"))}</button>
</form>
</section>
<form method="post" action="${action}/abort" class="cancel">
<button type="submit">${escapeHtml(t("devIdp.cancel"))}</button>
</form>`,
  );
}

export function errorPage({ lng, t, portalOrigin }: { lng: string; t: TFunction; portalOrigin: string }): string {
  return layout(
    lng,
    t("devIdp.errorTitle"),
    t,
    `<h1>${escapeHtml(t("devIdp.errorTitle"))}</h1>
<p>${escapeHtml(t("devIdp.errorText"))}</p>
<p><a href="${escapeHtml(portalOrigin)}/login">${escapeHtml(t("devIdp.backToPortal"))}</a></p>`,
  );
}

export const stylesheet = `
:root { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; line-height: 1.5; color: #1b1b1f; background: #fff; }
body { margin: 0; }
.banner { background: #3b2a63; color: #fff; padding: 0.75rem 1rem; display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; justify-content: space-between; }
.banner p { margin: 0; }
.brand { font-weight: 700; font-size: 1.2rem; }
.badge { border: 2px solid #fff; border-radius: 4px; padding: 0.1rem 0.5rem; }
main { max-width: 48rem; margin: 0 auto; padding: 0 1rem 2rem; }
.language { text-align: right; }
a { color: #00508c; }
.warning { border-left: 6px solid #a05a00; background: #fff4e5; padding: 0.75rem 1rem; }
.people { list-style: none; padding: 0; display: grid; gap: 0.5rem; }
.person { display: grid; width: 100%; text-align: left; font: inherit; padding: 0.6rem 1rem; border: 2px solid #00508c; border-radius: 6px; background: #fff; color: #1b1b1f; cursor: pointer; }
.person:hover { background: #eef4fa; }
.person__name { font-weight: 700; color: #00508c; }
.person__number { font-variant-numeric: tabular-nums; }
.person__note { color: #4a4a55; }
.field { margin: 1rem 0; }
label { display: block; font-weight: 700; }
.hint { margin: 0; color: #4a4a55; }
input { font: inherit; padding: 0.4rem; border: 2px solid #4a4a55; border-radius: 4px; min-width: 16rem; }
.error { color: #a0001e; min-height: 1.5em; margin: 0.25rem 0; }
button { font: inherit; padding: 0.5rem 1rem; border-radius: 6px; border: 2px solid #00508c; background: #fff; color: #00508c; cursor: pointer; }
button.primary { background: #00508c; color: #fff; }
.cancel { margin-top: 2rem; }
:focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; box-shadow: 0 0 0 5px #1b1b1f; }
`;
