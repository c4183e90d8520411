import { render } from 'preact';
import { App, disableAutofocus, type Boot } from './app.js';
import { applyBranding } from './brand.js';
import { matchLang } from './i18n.js';
import { startPreview } from './preview.js';
import './styles.css';

/** The hosted page: boot data from the server's JSON block, the app replaces the no-JS fallback. */
const bootEl = document.getElementById('gh-boot');
const root = document.getElementById('gh-login');
if (bootEl && root) {
  const boot = JSON.parse(bootEl.textContent || '{}') as Boot;
  boot.lang = matchLang(boot.lang) ?? 'en';
  applyBranding(root, boot.config);
  root.textContent = '';
  if (boot.mode === 'preview') {
    // A new tree per preview message (key): the draft may change the language and the tabs.
    let n = 0;
    disableAutofocus();
    startPreview(root, boot, (b) => render(<App key={n++} boot={b} />, root));
  } else render(<App boot={boot} />, root);
}
