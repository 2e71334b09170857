// The chat: the shown path of the open conversation, the composer, and the generation loop.
// Each user message is stored before it is answered; each answer is streamed, then stored with
// its model, sampling settings, token counts and tokens/s (a stopped answer is kept as far as it
// got). Regenerate adds another answer under the same question, editing adds another question
// under the same parent; "‹ 2/3 ›" flips between such siblings. An answer from a model with an
// index is stored with the passages it was given (citations.js), so its Sources come back on reload.
import { api, streamChat } from './api.js';
import { showError, clearError } from './banner.js';
import { h, $, copyText, flash } from './dom.js';
import { icon } from './icons.js';
import { renderMarkdown } from './markdown.js';
import { linkCitations, sourcesView } from './citations.js';
import { state, modelInfo } from './state.js';
import { Tree } from './tree.js';
import { refreshConversations, renderSidebar } from './sidebar.js';
import { renderSettings } from './settings.js';
import { showView } from './views.js';

const messagesEl = $('messages');
const promptEl = $('prompt');
let pendingBody = null;     // the streaming answer's body element
let pendingStats = null;    // and its live token counter
let pendingSources = null;  // and its Sources block, once the first chunk brought citations
let renderQueued = false;
const ratingStatus = new Map();  // message id -> "Rating saved" etc., shown until the next reload

const button = (label, aria, onclick, disabled = false) =>
  h('button', { type: 'button', class: 'small', 'aria-label': aria, onclick, disabled }, label);

const pendingHere = () => state.pending && state.conv && state.pending.convId === state.conv.id;

// ---- opening conversations ----

export async function openConversation(id) {
  stop();
  try {
    const c = await api('GET', `/api/conversations/${encodeURIComponent(id)}`);
    state.conv = { id: c.id, title: c.title, system_prompt: c.system_prompt, model: c.model };
    state.tree = new Tree(c.messages, c.ratings);
    state.editing = null;
    history.replaceState(null, '', `#${c.id}`);
  } catch (e) {
    showError(e);
    if (e.status === 404) history.replaceState(null, '', location.pathname);
    return;
  } finally {
    showView('chat');
  }
  renderChat();
  renderSidebar();
  renderSettings();
}

export function newChat() {
  stop();
  state.conv = null;
  state.tree = new Tree();
  state.editing = null;
  history.replaceState(null, '', location.pathname);
  showView('chat');
  renderChat();
  renderSidebar();
  renderSettings();
  promptEl.focus();
}

const titleFrom = (text) => {
  const t = text.trim().replace(/\s+/g, ' ');
  return t.length > 60 ? `${t.slice(0, 57)}...` : t;
};

async function ensureConversation(firstText) {
  if (state.conv) return;
  const s = state.settings;
  const c = await api('POST', '/api/conversations', { title: titleFrom(firstText), system_prompt: s.system_prompt, model: s.model });
  state.conv = { id: c.id, title: c.title, system_prompt: c.system_prompt, model: c.model };
  state.tree = new Tree();
  history.replaceState(null, '', `#${c.id}`);
  renderSettings();
  refreshConversations();
}

async function storeMessage(conv, tree, body) {
  const m = await api('POST', `/api/conversations/${conv.id}/messages`, body);
  tree.add(m);
  tree.select(m.id);
  return m;
}

// ---- sending, regenerating, editing ----

async function send() {
  const text = promptEl.value;
  if (!text.trim() || state.pending) return;
  if (!state.settings.model) {
    showError(new Error('No model to answer: the server lists none (GET /v1/models).'));
    return;
  }
  try {
    await ensureConversation(text);
    const parent = state.tree.last();
    const q = await storeMessage(state.conv, state.tree, { parent_id: parent ? parent.id : null, role: 'user', content: text });
    promptEl.value = '';
    autogrow();
    await generate(q);
  } catch (e) {
    showError(e);
    renderChat();
  }
}

async function submitEdit(m, text) {
  if (!text.trim() || state.pending) return;
  try {
    const q = await storeMessage(state.conv, state.tree, { parent_id: m.parent_id, role: 'user', content: text });
    state.editing = null;
    await generate(q);
  } catch (e) {
    showError(e);
  }
}

function regenerate(answer) {
  if (state.pending) return;
  generate(state.tree.byId.get(answer.parent_id)).catch(showError);
}

export function stop() {
  if (state.pending) state.pending.controller.abort();
}

// streams an answer to `question` (a user message on the tree), then stores it
async function generate(question) {
  const conv = state.conv;
  const tree = state.tree;
  const s = state.settings;
  const model = s.model;
  const sampling = { temperature: s.temperature, top_p: s.top_p, max_tokens: s.max_tokens };
  const messages = conv.system_prompt ? [{ role: 'system', content: conv.system_prompt }] : [];
  for (const m of tree.pathTo(question.id)) messages.push({ role: m.role, content: m.content });

  const p = { convId: conv.id, parentId: question.id, content: '', citations: null, model, pieces: 0, start: performance.now(), controller: new AbortController() };
  state.pending = p;
  clearError();
  renderChat();

  let finish = null;
  let usage = null;
  let stopped = false;
  try {
    const body = { model, messages, stream: true, stream_options: { include_usage: true }, ...sampling };
    // "Search my documents" off: no passages; on: nothing sent (the server's default k)
    if (s.retrieval === false && (modelInfo(model) || {}).retrieval) body.retrieval = false;
    for await (const chunk of streamChat(body, p.controller.signal)) {
      if (chunk.usage) usage = chunk.usage;
      if (Array.isArray(chunk.citations) && chunk.citations.length) {  // the first chunk, before any content
        p.citations = chunk.citations;
        queueRender();
      }
      for (const choice of chunk.choices || []) {
        const delta = choice.delta || {};
        const piece = (delta.content || '') + (delta.refusal || '');
        if (piece) {
          p.content += piece;
          p.pieces += 1;
          queueRender();
        }
        if (choice.finish_reason) finish = choice.finish_reason;
      }
    }
  } catch (e) {
    if (e.name === 'AbortError') stopped = true;
    else showError(e);
  }
  const end = performance.now();
  state.pending = null;
  if (!p.content && finish !== 'content_filter') {  // failed or stopped before the first token
    if (state.conv && state.conv.id === conv.id) renderChat();
    return;
  }
  const completion = usage ? usage.completion_tokens : p.pieces;  // a stopped stream has no usage
  const seconds = (end - p.start) / 1000;  // the whole request, prompt included: what the user waited
  try {
    const answer = await storeMessage(conv, tree, {
      parent_id: question.id,
      role: 'assistant',
      content: p.content,
      model,
      checkpoint: (modelInfo(model) || {}).checkpoint || '',
      sampling,
      prompt_tokens: usage ? usage.prompt_tokens : 0,
      completion_tokens: completion,
      tokens_per_s: completion > 0 && seconds > 0 ? Math.round((completion / seconds) * 10) / 10 : 0,
      citations: p.citations,
    });
    state.notes.set(answer.id, { finish, stopped });
    // the conversation was reopened (a fresh Tree) while this answer was being stored
    if (state.tree !== tree && state.conv && state.conv.id === conv.id && !state.tree.byId.has(answer.id)) state.tree.add(answer);
  } catch (e) {
    showError(e);
  }
  if (state.conv && state.conv.id === conv.id) renderChat();
  refreshConversations();
}

// ---- rendering ----

function queueRender() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    const p = state.pending;
    if (!p || !pendingBody) return;
    const stick = nearBottom();
    renderMarkdown(pendingBody, p.content);
    showPendingSources(p);
    const seconds = (performance.now() - p.start) / 1000;
    pendingStats.textContent = `${p.pieces} tokens${seconds > 0.2 ? ` · ${(p.pieces / seconds).toFixed(1)} tokens/s` : ''}`;
    if (stick) scrollToEnd();
  });
}

const nearBottom = () => messagesEl.scrollHeight - messagesEl.scrollTop - messagesEl.clientHeight < 80;
const scrollToEnd = () => { messagesEl.scrollTop = messagesEl.scrollHeight; };

export function renderChat() {
  const here = pendingHere();
  const path = !state.tree ? [] : here ? state.tree.pathTo(state.pending.parentId) : state.tree.path();
  const nodes = path.map(messageView);
  pendingBody = null;
  if (here) nodes.push(pendingView(state.pending));
  if (nodes.length === 0) nodes.push(emptyView());
  messagesEl.replaceChildren(...nodes);
  updateComposer();
  scrollToEnd();
}

function rerender(id) {
  const old = messagesEl.querySelector(`article[data-id="${CSS.escape(id)}"]`);
  const m = state.tree.byId.get(id);
  if (old && m) old.replaceWith(messageView(m));
}

function emptyView() {
  const m = modelInfo(state.settings.model);
  return h('div', { class: 'empty' },
    h('h1', {}, 'ownchat'),
    h('p', {}, m ? `Ask ${m.id} (${m.stage || 'model'}) anything. Rate its answers: they train the next round.` : 'No model loaded.'));
}

function updateComposer() {
  const busy = Boolean(state.pending);
  $('send').hidden = busy;
  $('stop').hidden = !busy;
}

function moderationNotice() {
  return h('p', { class: 'notice', role: 'status' },
    'The moderation filter refused this request, so the model did not answer it. Try asking differently.');
}

function pendingView(p) {
  pendingBody = h('div', { class: 'body markdown' });
  pendingStats = h('span', { class: 'stats' }, 'waiting for the first token…');
  pendingSources = null;
  renderMarkdown(pendingBody, p.content);
  const el = h('article', { class: 'message assistant pending', 'aria-label': 'Answer being written', 'aria-busy': 'true' },
    h('div', { class: 'role' }, p.model), pendingBody, h('div', { class: 'actions' }, pendingStats));
  showPendingSources(p);
  return el;
}

// the streaming answer's [n] links (again after each render of its body) and its Sources block (once)
function showPendingSources(p) {
  if (!p.citations || !pendingBody) return;
  linkCitations(pendingBody, p.citations);
  if (!pendingSources) {
    pendingSources = sourcesView(pendingBody.parentElement, p.citations);
    pendingBody.after(pendingSources);
  }
}

function messageView(m) {
  const user = m.role === 'user';
  const el = h('article', { class: `message ${m.role}`, 'data-id': m.id, 'aria-label': user ? 'Your message' : 'Answer' });
  if (user && state.editing === m.id) {
    el.append(editView(m));
    return el;
  }
  const body = h('div', { class: user ? 'body plain' : 'body markdown' });
  if (user) body.textContent = m.content;
  else renderMarkdown(body, m.content);
  el.append(h('div', { class: 'role' }, user ? 'You' : (m.model || 'Assistant')), body);

  if (!user && Array.isArray(m.citations) && m.citations.length) {  // stored with the answer
    linkCitations(body, m.citations);
    el.append(sourcesView(el, m.citations));
  }
  const note = state.notes.get(m.id);
  if (note && note.finish === 'content_filter') el.append(moderationNotice());
  if (note && note.stopped) el.append(h('p', { class: 'note' }, 'Stopped before the end.'));

  const busy = Boolean(state.pending);
  const actions = h('div', { class: 'actions' });
  const nav = siblingNav(m);
  if (nav) actions.append(nav);
  const copy = button('Copy', user ? 'Copy your message' : 'Copy the answer', async () =>
    flash(copy, (await copyText(m.content)) ? 'Copied' : 'Copy failed'));
  actions.append(copy);
  if (user) {
    actions.append(button('Edit', 'Edit your message', () => {
      state.editing = m.id;
      rerender(m.id);
      const box = messagesEl.querySelector('.edit textarea');
      if (box) box.focus();
    }, busy));
    // a question left without an answer (the server failed): answer it now
    if (state.tree.kids(m.id).length === 0 && !busy) actions.append(button('Answer', 'Answer this message', () => generate(m).catch(showError)));
  } else {
    actions.append(button('Regenerate', 'Regenerate the answer', () => regenerate(m), busy));
    actions.append(...ratingButtons(m));
    actions.append(h('span', { class: 'stats' }, stats(m)));
  }
  el.append(actions);
  if (!user) {
    const panel = ratingPanel(m);
    if (panel) el.append(panel);
  }
  return el;
}

function stats(m) {
  const parts = [`${m.completion_tokens} tokens`];
  if (m.tokens_per_s > 0) parts.push(`${m.tokens_per_s.toFixed(1)} tokens/s`);
  if (m.prompt_tokens > 0) parts.push(`${m.prompt_tokens} prompt tokens`);
  return parts.join(' · ');
}

function siblingNav(m) {
  const { index, count, ids } = state.tree.siblings(m);
  if (count < 2) return null;
  const what = m.role === 'user' ? 'version' : 'answer';
  const busy = Boolean(state.pending);
  const go = (i) => () => { state.tree.select(ids[i]); state.editing = null; renderChat(); };
  return h('span', { class: 'siblings', role: 'group', 'aria-label': `${what} ${index + 1} of ${count}` },
    button('‹', `Previous ${what}`, go(index - 1), index === 0 || busy),
    h('span', { class: 'sibling-pos' }, `${index + 1}/${count}`),
    button('›', `Next ${what}`, go(index + 1), index === count - 1 || busy));
}

function editView(m) {
  const box = h('textarea', { class: 'edit-box', 'aria-label': 'Edit your message', rows: '3' });
  box.value = m.content;
  const cancel = () => { state.editing = null; rerender(m.id); };
  box.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); submitEdit(m, box.value); }
    if (e.key === 'Escape') { e.stopPropagation(); cancel(); }
  });
  const save = button('Send', 'Send the edited message', () => submitEdit(m, box.value));
  save.classList.add('primary');
  return h('div', { class: 'edit' }, box, h('div', { class: 'row' }, save, button('Cancel', 'Cancel editing', cancel)));
}

// ---- ratings ----

// the optional reason stored with a rating (the store keeps any string up to 100 characters)
const REASONS_UP = ['correct', 'helpful', 'well written'];
const REASONS_DOWN = ['wrong', 'unhelpful', 'unsafe', 'gibberish', 'refused wrongly'];

function ratingButtons(m) {
  const r = state.tree.ratings.get(m.id);
  const make = (value, label, aria) => button(icon(label), aria, () => rate(m, value));
  const up = make(1, 'up', 'Good answer');
  const down = make(-1, 'down', 'Bad answer');
  up.classList.add('rate');
  down.classList.add('rate');
  up.setAttribute('aria-pressed', String(Boolean(r && r.rating === 1)));
  down.setAttribute('aria-pressed', String(Boolean(r && r.rating === -1)));
  return [up, down];
}

async function rate(m, value) {
  const tree = state.tree;
  const current = tree.ratings.get(m.id);
  try {
    if (current && current.rating === value) {  // pressing the pressed thumb takes the rating back
      await api('DELETE', `/api/messages/${m.id}/rating`);
      tree.ratings.delete(m.id);
      ratingStatus.set(m.id, 'Rating removed.');
    } else {
      // a changed thumb keeps the comment; the reason belongs to the old direction
      const r = await api('PUT', `/api/messages/${m.id}/rating`, { rating: value, comment: current ? current.comment : '' });
      tree.ratings.set(m.id, r);
      ratingStatus.set(m.id, value > 0 ? 'Saved: good answer.' : 'Saved: bad answer.');
    }
  } catch (e) {
    showError(e);
  }
  if (tree === state.tree) rerender(m.id);
}

async function saveComment(m, reason, comment, statusEl, said = 'Comment saved.') {
  const r = state.tree.ratings.get(m.id);
  if (!r) return;
  try {
    const saved = await api('PUT', `/api/messages/${m.id}/rating`, { rating: r.rating, reason, comment });
    state.tree.ratings.set(m.id, saved);
    statusEl.textContent = said;
  } catch (e) {
    showError(e);
  }
}

function ratingPanel(m) {
  const r = state.tree.ratings.get(m.id);
  const said = ratingStatus.get(m.id);
  if (!r) return said ? h('p', { class: 'rating-status note', role: 'status' }, said) : null;
  const status = h('span', { class: 'rating-status', role: 'status' },
    said || (r.rating > 0 ? 'Rated good.' : 'Rated bad.'));
  const box = h('input', { type: 'text', class: 'comment', maxlength: '4000', 'aria-label': 'Comment on the answer (optional)',
    placeholder: r.rating > 0 ? 'What was good? (optional)' : 'What was wrong? (optional)' });
  box.value = r.comment || '';
  const reasons = r.rating > 0 ? REASONS_UP : REASONS_DOWN;
  const reason = h('select', { class: 'reason', 'aria-label': 'Reason (optional)' },
    h('option', { value: '' }, 'Reason…'), ...reasons.map((x) => h('option', { value: x }, x)));
  reason.value = reasons.includes(r.reason) ? r.reason : '';
  const commit = () => saveComment(m, reason.value, box.value, status);
  reason.addEventListener('change', () => saveComment(m, reason.value, box.value, status, 'Reason saved.'));
  const save = button('Save comment', 'Save the comment', commit);
  box.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); commit(); } });
  return h('div', { class: 'rating-panel' }, status, reason, box, save);
}

// ---- the composer ----

function autogrow() {
  promptEl.style.height = 'auto';
  promptEl.style.height = `${Math.min(promptEl.scrollHeight, 240)}px`;
}

$('composer').addEventListener('submit', (e) => { e.preventDefault(); send(); });
promptEl.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); send(); }
});
promptEl.addEventListener('input', autogrow);
$('stop').addEventListener('click', stop);
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && state.pending) { e.preventDefault(); stop(); }
});
