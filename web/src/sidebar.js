// The conversation list: newest first, searchable (titles and message text, on the server), with
// rename and delete. On a narrow screen it slides over the chat and closes after a pick.
import { api } from './api.js';
import { showError } from './banner.js';
import { h, $ } from './dom.js';
import { icon } from './icons.js';
import { state } from './state.js';
import { openConversation, newChat } from './chat.js';

let renaming = null;  // the id being renamed
let searchTimer = 0;

export async function refreshConversations() {
  try {
    const q = state.search ? `?search=${encodeURIComponent(state.search)}` : '';
    state.conversations = (await api('GET', `/api/conversations${q}`)).data;
  } catch (e) {
    showError(e);
  }
  renderSidebar();
}

export function renderSidebar() {
  const items = state.conversations.map(item);
  if (items.length === 0) items.push(h('li', { class: 'empty' }, state.search ? 'No conversation matches.' : 'No conversations yet.'));
  $('conversations').replaceChildren(...items);
}

function item(c) {
  const active = Boolean(state.conv && state.conv.id === c.id);
  const title = c.title || 'Untitled';
  const li = h('li', { class: active ? 'conversation active' : 'conversation', 'data-id': c.id });
  if (renaming === c.id) {
    const input = h('input', { type: 'text', class: 'rename', maxlength: '200', 'aria-label': `New title for ${title}` });
    input.value = c.title;
    let done = false;
    const finish = async (save) => {
      if (done) return;
      done = true;
      renaming = null;
      if (save && input.value.trim() && input.value !== c.title) await rename(c, input.value.trim());
      else renderSidebar();
    };
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') { e.preventDefault(); finish(true); }
      if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); finish(false); }
    });
    input.addEventListener('blur', () => finish(true));
    li.append(input);
    queueMicrotask(() => { input.focus(); input.select(); });
    return li;
  }
  li.append(
    h('button', { type: 'button', class: 'open', title, 'aria-current': active ? 'page' : null,
      onclick: () => { closeSidebar(); openConversation(c.id); } }, title),
    h('button', { type: 'button', class: 'icon small', 'aria-label': `Rename ${title}`,
      onclick: () => { renaming = c.id; renderSidebar(); } }, icon('edit')),
    h('button', { type: 'button', class: 'icon small', 'aria-label': `Delete ${title}`, onclick: () => remove(c, title) }, icon('trash')));
  return li;
}

async function rename(c, title) {
  try {
    const r = await api('PATCH', `/api/conversations/${c.id}`, { title });
    if (state.conv && state.conv.id === c.id) state.conv.title = r.title;
  } catch (e) {
    showError(e);
  }
  await refreshConversations();
}

async function remove(c, title) {
  if (!confirm(`Delete “${title}”? Its messages and ratings are deleted too.`)) return;
  try {
    await api('DELETE', `/api/conversations/${c.id}`);
    if (state.conv && state.conv.id === c.id) newChat();
  } catch (e) {
    showError(e);
  }
  await refreshConversations();
}

function openSidebar() {
  $('sidebar').classList.add('open');
  $('scrim').hidden = false;
  $('open-sidebar').setAttribute('aria-expanded', 'true');
}

function closeSidebar() {
  $('sidebar').classList.remove('open');
  $('scrim').hidden = true;
  $('open-sidebar').setAttribute('aria-expanded', 'false');
}

$('new-chat').addEventListener('click', () => { closeSidebar(); newChat(); });
$('open-sidebar').addEventListener('click', openSidebar);
$('close-sidebar').addEventListener('click', closeSidebar);
$('scrim').addEventListener('click', closeSidebar);
$('open-feedback').addEventListener('click', closeSidebar);
$('open-report').addEventListener('click', closeSidebar);
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && $('sidebar').classList.contains('open')) closeSidebar();
});
$('search').addEventListener('input', (e) => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => { state.search = e.target.value.trim(); refreshConversations(); }, 200);
});
