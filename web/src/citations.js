// The passages an answer was given (`citations` on the first streamed chunk of a server run with
// --index): each [n] in the rendered answer whose n is a citation's index becomes a link, a
// "Sources" list goes under the answer, and either opens the passage (title, source, text) in a
// panel below the list. All of it is built with the DOM after markdown.js has sanitized the
// answer: the model's text and the passages only ever become text nodes, never HTML.
import { h } from './dom.js';

const CITE = /\[(\d{1,3})\]/g;
const title = (c) => c.title || 'Untitled';
const SKIP = 'pre, code, a, button';  // no links inside code, links or buttons

// Replaces each "[n]" with a known n in the text of `body` (already rendered) by a cite link.
export function linkCitations(body, citations) {
  if (!citations || citations.length === 0) return;
  const byIndex = new Map(citations.map((c) => [c.index, c]));
  const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  const texts = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.parentElement.closest(SKIP) && n.data.includes('[')) texts.push(n);
  }
  for (const node of texts) {
    const parts = [];
    let last = 0;
    for (const m of node.data.matchAll(CITE)) {
      const c = byIndex.get(Number(m[1]));
      if (!c) continue;
      if (m.index > last) parts.push(node.data.slice(last, m.index));
      parts.push(h('a', { class: 'cite', href: '#', 'data-cite': c.index, 'aria-label': `Source ${c.index}: ${title(c)}` }, `[${c.index}]`));
      last = m.index + m[0].length;
    }
    if (parts.length === 0) continue;
    if (last < node.data.length) parts.push(node.data.slice(last));
    node.replaceWith(...parts);
  }
}

const sourceLine = (c) => `[${c.index}] ${title(c)} — ${c.source || 'unknown source'}`;

// The "Sources" block for an answer's `citations`, and the clicks on [n] anywhere in `article`:
// returns the block (the caller places it); block.show(n) opens passage n, or closes it if open.
export function sourcesView(article, citations) {
  const byIndex = new Map(citations.map((c) => [c.index, c]));
  const entries = citations.map((c) => h('li', {},
    h('button', { type: 'button', class: 'source', 'data-cite': c.index, 'aria-expanded': 'false', title: sourceLine(c) }, sourceLine(c))));
  const passage = h('div', { class: 'passage', role: 'region', hidden: true });
  const block = h('div', { class: 'sources' },
    h('div', { class: 'sources-label' }, 'Sources'), h('ol', { class: 'source-list' }, ...entries), passage);
  let shown = null;

  const close = () => {
    shown = null;
    passage.hidden = true;
    passage.replaceChildren();
    for (const b of block.querySelectorAll('button.source')) b.setAttribute('aria-expanded', 'false');
  };
  block.show = (index) => {
    const c = byIndex.get(index);
    if (!c || shown === index) { close(); return; }
    close();
    shown = index;
    passage.setAttribute('aria-label', `Source ${index}: ${title(c)}`);
    passage.replaceChildren(
      h('div', { class: 'passage-head' },
        h('span', { class: 'passage-title' }, `[${index}] ${title(c)}`),
        h('button', { type: 'button', class: 'icon small', 'aria-label': 'Close the passage', onclick: close }, '×')),
      h('div', { class: 'passage-source' }, c.source || 'unknown source'),
      h('p', { class: 'passage-text' }, c.text || ''));
    passage.hidden = false;
    block.querySelector(`button.source[data-cite="${index}"]`).setAttribute('aria-expanded', 'true');
  };
  article.addEventListener('click', (e) => {
    const target = e.target.closest('[data-cite]');
    if (!target || !article.contains(target)) return;
    e.preventDefault();
    block.show(Number(target.dataset.cite));
  });
  return block;
}
