// The Feedback view: how many ratings and usable preference pairs the store holds, and the export
// (POST /api/feedback/export writes RUN/data/feedback/pairs.jsonl, as `ownchat feedback export`
// does; the download fetches the same pairs without writing a file).
import { api, download } from './api.js';
import { showError } from './banner.js';
import { $ } from './dom.js';
import { showView } from './views.js';

function fill(s) {
  $('fb-ratings').textContent = s.ratings;
  $('fb-up').textContent = s.up;
  $('fb-down').textContent = s.down;
  $('fb-pairs').textContent = s.pairs;
}


async function openFeedback() {
  showView('feedback');
  $('fb-status').textContent = '';
  try {
    fill(await api('GET', '/api/feedback'));
  } catch (e) {
    showError(e);
  }
}

$('open-feedback').addEventListener('click', openFeedback);
$('fb-back').addEventListener('click', () => showView('chat'));
$('fb-export').addEventListener('click', async () => {
  try {
    const r = await api('POST', '/api/feedback/export', {});
    fill(r);
    $('fb-status').textContent = `Wrote ${r.pairs} preference pairs to ${r.path}`;
  } catch (e) {
    showError(e);
  }
});
$('fb-download').addEventListener('click', async () => {
  try {
    const url = URL.createObjectURL(await download('/api/feedback/pairs.jsonl'));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'pairs.jsonl';
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  } catch (e) {
    showError(e);
  }
});
