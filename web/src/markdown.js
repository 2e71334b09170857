// Model output as markdown: marked renders, raw HTML in the text is shown as text (never parsed),
// DOMPurify sanitizes the result anyway (defense in depth: links stay http(s)/mailto, no
// handlers, no images or forms), then highlight.js colors code blocks from their text content
// and each block gets a Copy button. This is the only innerHTML in the page.
import { Marked } from 'marked';
import DOMPurify from 'dompurify';
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import cpp from 'highlight.js/lib/languages/cpp';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import markdown from 'highlight.js/lib/languages/markdown';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';
import { h, copyText, flash } from './dom.js';

const languages = { bash, c, cpp, css, diff, go, java, javascript, json, markdown, python, rust, sql, typescript, xml, yaml };
for (const [name, lang] of Object.entries(languages)) hljs.registerLanguage(name, lang);
hljs.configure({ ignoreUnescapedHTML: true });

const escapeHtml = (s) => s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]);

const marked = new Marked({
  gfm: true,
  breaks: true,
  renderer: {
    // <img onerror=...> in an answer is shown as text, not parsed (a block keeps its line breaks)
    html({ text, block }) { return block ? `<p class="raw-html">${escapeHtml(text)}</p>` : escapeHtml(text); },
  },
});

const PURIFY = {
  FORBID_TAGS: ['img', 'style', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'object', 'embed',
    'video', 'audio', 'svg', 'math', 'link', 'meta', 'base'],
  FORBID_ATTR: ['style', 'id', 'name'],
  ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|#)/i,
};

DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A') {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer nofollow');
  }
});

export function renderMarkdown(el, text) {
  el.innerHTML = DOMPurify.sanitize(marked.parse(text), PURIFY);
  for (const code of el.querySelectorAll('pre > code')) {
    const lang = (code.className.match(/language-([\w+-]+)/) || [])[1] || '';
    if (lang && hljs.getLanguage(lang)) hljs.highlightElement(code);
    else code.classList.add('hljs');
    const pre = code.parentElement;
    const copy = h('button', { type: 'button', class: 'code-copy', 'aria-label': 'Copy the code' }, 'Copy');
    copy.addEventListener('click', async () => flash(copy, (await copyText(code.textContent)) ? 'Copied' : 'Copy failed'));
    const head = h('div', { class: 'code-head' }, h('span', {}, lang || 'text'), copy);
    const block = h('div', { class: 'code-block' }, head);
    pre.replaceWith(block);
    block.append(pre);
  }
}
