// The Report view: the run's report card (`ownchat report` -> RUN/report.html, served at
// GET /api/report). The page is fetched with the API key (an iframe src could not send it) and
// shown in an iframe whose sandbox allows nothing: no scripts, no same origin, no forms, no
// navigation of this page. The report needs none of that: its charts are inline SVG.
import { download } from './api.js';
import { showError } from './banner.js';
import { $ } from './dom.js';
import { showView } from './views.js';

async function openReport() {
  showView('report');
  const frame = $('report-frame');
  const status = $('report-status');
  status.textContent = 'Loading the report…';
  try {
    const html = await (await download('/api/report')).text();
    frame.srcdoc = html;
    frame.hidden = false;
    status.textContent = '';
  } catch (e) {
    frame.hidden = true;
    frame.removeAttribute('srcdoc');
    if (e.status === 404) status.textContent = e.message.replace(/ \(HTTP 404\)$/, '');
    else {
      status.textContent = 'The report could not be loaded.';
      showError(e);
    }
  }
}

$('open-report').addEventListener('click', openReport);
$('report-reload').addEventListener('click', openReport);
$('report-back').addEventListener('click', () => showView('chat'));
