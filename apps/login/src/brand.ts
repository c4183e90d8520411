import type { Config } from './api.js';

/** Applies the resolved branding to the login root through the CSSOM (no inline style attribute, no unsafe-inline). */
export function applyBranding(root: HTMLElement, cfg: Config | undefined) {
  const b = cfg?.branding;
  if (!b) return;
  if (b.primaryColor) root.style.setProperty('--gh-primary', b.primaryColor);
  if (b.background) root.style.setProperty('--gh-background', b.background);
}
