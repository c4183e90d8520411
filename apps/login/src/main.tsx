import { render } from 'preact';
import { App, type Boot } from './app.js';
import { applyBranding } from './brand.js';
import { matchLang } from './i18n.js';
import './styles.css';

/** The hosted page: boot data from the server's JSON block, the app replaces the no-JS fallback. */
const bootEl = document.getElementById('gh-boot');
const root = document.getElementById('gh-login');
if (bootEl && root) {
  const boot = JSON.parse(bootEl.textContent || '{}') as Boot;
  boot.lang = matchLang(boot.lang) ?? 'en';
  applyBranding(root, boot.config);
  root.textContent = '';
  render(<App boot={boot} />, root);
}
