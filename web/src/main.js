// The web chat's entry point: asks for an API key when the server wants one, loads the models
// and the conversation list, reopens the conversation named in the URL (#id), and owns the theme.
// The pieces: api.js (requests), chat.js, citations.js, sidebar.js, settings.js,
// feedback.js, report.js, markdown.js.
import { apiKey } from './api.js';
import { showError, setUnauthorizedHandler } from './banner.js';
import { $ } from './dom.js';
import { state } from './state.js';
import { loadModels, renderSettings } from './settings.js';
import { refreshConversations } from './sidebar.js';
import { openConversation, newChat } from './chat.js';
import './feedback.js';
import './report.js';

function askForKey() {
  const dialog = $('login');
  $('login-error').textContent = apiKey.get() ? 'The server refused that key.' : '';
  $('login-key').value = '';
  if (!dialog.open) dialog.showModal();
  $('login-key').focus();
}

async function start() {
  try {
    await loadModels();
  } catch (e) {
    if (e.status === 401) askForKey();
    else showError(e);
    if (e.status === 401) return;
  }
  $('logout').hidden = !apiKey.get();
  renderSettings();
  await refreshConversations();
  const id = decodeURIComponent(location.hash.slice(1));
  if (id) await openConversation(id);
  else newChat();
}

setUnauthorizedHandler(askForKey);
window.addEventListener('hashchange', () => {  // a pasted link or back/forward (replaceState does not fire this)
  const id = decodeURIComponent(location.hash.slice(1));
  if (id && (!state.conv || state.conv.id !== id)) openConversation(id);
});
$('login').addEventListener('cancel', (e) => e.preventDefault());  // no way around it but a key
$('login-form').addEventListener('submit', (e) => {
  e.preventDefault();
  apiKey.set($('login-key').value.trim());
  $('login').close();
  start();
});
$('logout').addEventListener('click', () => {
  apiKey.clear();
  location.reload();
});

function renderThemeButton() {
  const dark = document.documentElement.dataset.theme === 'dark';
  const button = $('theme-toggle');
  button.textContent = dark ? 'Light' : 'Dark';
  button.setAttribute('aria-label', `Switch to the ${dark ? 'light' : 'dark'} theme`);
}
$('theme-toggle').addEventListener('click', () => {
  const next = document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark';
  document.documentElement.dataset.theme = next;
  localStorage.setItem('ownchat.theme', next);
  renderThemeButton();
});
renderThemeButton();

start();
