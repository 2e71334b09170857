// The model picker (each model with its stage and eval metrics from GET /v1/models), the
// "Search my documents" switch beside it (shown for a model served with an index), and the
// settings panel: system prompt, temperature, top-p, max tokens, all kept in localStorage. A
// conversation keeps the system prompt it began with (the store has no way to change it).
import { api } from './api.js';
import { h, $ } from './dom.js';
import { state, saveSettings, modelInfo } from './state.js';

export async function loadModels() {
  state.models = (await api('GET', '/v1/models')).data || [];
  if (!modelInfo(state.settings.model)) state.settings.model = state.models.length ? state.models[0].id : '';
  renderModels();
}

// on: the server answers from the model's index (its default k); off: requests say "retrieval": false
const retrievalBox = h('input', { type: 'checkbox', id: 'retrieval' });
const retrievalToggle = h('label', { class: 'retrieval-toggle', hidden: true, title: 'Answer from the passages the server finds in its index' },
  retrievalBox, 'Search my documents');
$('open-settings').before(retrievalToggle);

const fmt = (v) => (typeof v === 'number' ? String(Number(v.toPrecision(3))) : JSON.stringify(v));

function renderModels() {
  const select = $('model');
  select.replaceChildren(...state.models.map((m) => h('option', { value: m.id }, m.stage && m.stage !== m.id ? `${m.id} (${m.stage})` : m.id)));
  select.value = state.settings.model;
  select.disabled = state.models.length === 0;
  const m = modelInfo(state.settings.model);
  retrievalToggle.hidden = !(m && m.retrieval);
  retrievalBox.checked = state.settings.retrieval !== false;
  const info = $('model-info');
  if (!m) {
    info.replaceChildren('no model');
    return;
  }
  const metrics = Object.entries(m.metrics || {});
  const shown = metrics.slice(0, 3).map(([k, v]) => `${k} ${fmt(v)}`);
  info.replaceChildren(
    h('span', { class: `stage stage-${m.stage || 'model'}` }, m.stage || 'model'),
    ` ctx ${m.context_length || '?'}${shown.length ? ` · ${shown.join(' · ')}` : ''}`);
  info.title = [`checkpoint: ${m.checkpoint || '?'}`, ...metrics.map(([k, v]) => `${k}: ${fmt(v)}`)].join('\n');
}

export function renderSettings() {
  const s = state.settings;
  const sys = $('system-prompt');
  sys.value = state.conv ? state.conv.system_prompt : s.system_prompt;
  sys.readOnly = Boolean(state.conv);
  sys.placeholder = state.conv ? '(none)' : 'You are a helpful assistant.';
  $('system-prompt-note').hidden = !state.conv;
  $('temperature').value = s.temperature;
  $('top-p').value = s.top_p;
  $('max-tokens').value = s.max_tokens;
}

function bindNumber(id, key, min, max, integer = false) {
  $(id).addEventListener('change', (e) => {
    let v = Number(e.target.value);
    if (!Number.isFinite(v)) v = state.settings[key];
    v = Math.min(max, Math.max(min, integer ? Math.round(v) : v));
    state.settings[key] = v;
    e.target.value = v;
    saveSettings();
  });
}

bindNumber('temperature', 'temperature', 0, 2);
bindNumber('top-p', 'top_p', 0, 1);
bindNumber('max-tokens', 'max_tokens', 1, 32768, true);
$('system-prompt').addEventListener('input', (e) => {
  if (state.conv) return;
  state.settings.system_prompt = e.target.value;
  saveSettings();
});
$('model').addEventListener('change', (e) => {
  state.settings.model = e.target.value;
  saveSettings();
  renderModels();
});
retrievalBox.addEventListener('change', () => {
  state.settings.retrieval = retrievalBox.checked;
  saveSettings();
});
$('open-settings').addEventListener('click', () => {
  const panel = $('settings');
  panel.hidden = !panel.hidden;
  $('open-settings').setAttribute('aria-expanded', String(!panel.hidden));
});
