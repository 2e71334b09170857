// The one error banner (role=alert) at the top of the chat: every failed request ends here, so
// nothing fails silently. A 401 opens the login dialog instead.
import { $ } from './dom.js';

let onUnauthorized = () => {};
export function setUnauthorizedHandler(f) { onUnauthorized = f; }

export function showError(error) {
  if (error && error.name === 'AbortError') return;
  if (error && error.status === 401) { onUnauthorized(); return; }
  const message = (error && error.message) || String(error);
  $('banner-text').textContent = message;
  $('banner').hidden = false;
  console.error(error);
}

export function clearError() {
  $('banner').hidden = true;
  $('banner-text').textContent = '';
}

$('banner-close').addEventListener('click', clearError);
window.addEventListener('unhandledrejection', (e) => showError(e.reason));
