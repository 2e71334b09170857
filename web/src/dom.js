// Tiny DOM helpers. Text always goes in as text nodes (strings become Text, never HTML); the one
// place that sets innerHTML is markdown.js, after sanitizing.

// h('button', {class: 'x', onclick: f, 'aria-label': 'y'}, 'text', child...)
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'value' || k === 'disabled' || k === 'hidden') el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  el.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

export const $ = (id) => document.getElementById(id);

// the clipboard, with the old textarea route for pages the Clipboard API refuses
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const ta = h('textarea', { class: 'offscreen', 'aria-hidden': 'true' });
    ta.value = text;
    document.body.append(ta);
    ta.select();
    const ok = document.execCommand('copy');
    ta.remove();
    return ok;
  }
}

// "Copied" for a moment on a button, then its own label again
export function flash(button, text, ms = 1200) {
  const old = button.textContent;
  button.textContent = text;
  setTimeout(() => { button.textContent = old; }, ms);
}
