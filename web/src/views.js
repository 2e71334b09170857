// Which of the main views shows: the chat, the Feedback view or the Report view. A view's sidebar
// button is pressed while it shows.
import { $ } from './dom.js';
import { state } from './state.js';

const VIEWS = { chat: ['chat-view', null], feedback: ['feedback-view', 'open-feedback'], report: ['report-view', 'open-report'] };

export function showView(view) {
  state.view = view;
  for (const [name, [section, button]] of Object.entries(VIEWS)) {
    $(section).hidden = name !== view;
    if (button) $(button).setAttribute('aria-pressed', String(name === view));
  }
}
