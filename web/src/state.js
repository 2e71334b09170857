// The page's state in one object, and the sampling settings (and "Search my documents") kept in localStorage. Views read it
// and call each other's render(); there is no framework and no reactive magic.

const SETTINGS_STORAGE = 'ownchat.settings';
const DEFAULTS = { system_prompt: '', temperature: 0.8, top_p: 0.95, max_tokens: 512, model: '', retrieval: true };

function loadSettings() {
  try {
    return { ...DEFAULTS, ...JSON.parse(localStorage.getItem(SETTINGS_STORAGE) || '{}') };
  } catch {
    return { ...DEFAULTS };
  }
}

export const state = {
  models: [],            // GET /v1/models data
  settings: loadSettings(),
  conversations: [],     // the sidebar's list
  search: '',
  conv: null,            // the open conversation {id, title, system_prompt, model}; null: a new chat
  tree: null,            // its Tree
  pending: null,         // the answer streaming now: {convId, parentId, content, citations, model, controller}
  editing: null,         // the id of the user message being edited
  notes: new Map(),      // message id -> {finish, stopped} of answers streamed in this page
  view: 'chat',          // 'chat' | 'feedback' | 'report'
};

export function saveSettings() {
  localStorage.setItem(SETTINGS_STORAGE, JSON.stringify(state.settings));
}

export const modelInfo = (id) => state.models.find((m) => m.id === id) || null;
