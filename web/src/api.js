// The page's one door to the server: JSON requests carrying the API key, the chat stream (SSE read
// with fetch and a stream reader, so Stop is an AbortController), and every failure turned into an
// ApiError with a message a person can act on. Nothing here touches the DOM.
// An aborted request rethrows the AbortError untouched: stopping is not an error.

const KEY_STORAGE = 'ownchat.apiKey';

export class ApiError extends Error {
  constructor(message, { status = 0, code = null, unreachable = false } = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.unreachable = unreachable;
  }
}

export const apiKey = {
  get: () => localStorage.getItem(KEY_STORAGE) || '',
  set: (key) => localStorage.setItem(KEY_STORAGE, key),
  clear: () => localStorage.removeItem(KEY_STORAGE),
};

const unreachable = () => new ApiError(
  `Cannot reach the server at ${location.host}. Is \`ownchat serve\` still running?`, { unreachable: true });

async function errorOf(r) {
  let message = `The server answered ${r.status} ${r.statusText}.`;
  let code = null;
  try {
    const j = await r.json();
    if (j && j.error && j.error.message) {
      message = `${j.error.message} (HTTP ${r.status})`;
      code = j.error.code || null;
    }
  } catch { /* not JSON: keep the status line */ }
  if (r.status === 401) message = 'The server needs a valid API key.';
  return new ApiError(message, { status: r.status, code });
}

async function request(method, path, body, signal) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const key = apiKey.get();
  if (key) headers.Authorization = `Bearer ${key}`;
  let r;
  try {
    r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw unreachable();
  }
  if (!r.ok) throw await errorOf(r);
  return r;
}

// one JSON request; resolves to the parsed answer
export async function api(method, path, body) {
  const r = await request(method, path, body);
  try {
    return await r.json();
  } catch {
    throw new ApiError(`The server's answer to ${method} ${path} was not JSON.`, { status: r.status });
  }
}

// a download that needs the key (a plain link cannot send it): resolves to a Blob
export async function download(path) {
  const r = await request('GET', path);
  return r.blob();
}

// POST /v1/chat/completions with stream: true; yields each chat.completion.chunk object
export async function* streamChat(body, signal) {
  const r = await request('POST', '/v1/chat/completions', body, signal);
  const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    let part;
    try {
      part = await reader.read();
    } catch (e) {
      if (e.name === 'AbortError' || (signal && signal.aborted)) throw new DOMException('stopped', 'AbortError');
      throw new ApiError('The connection to the server broke off in the middle of the answer.', { unreachable: true });
    }
    if (part.done) break;
    buffer += part.value;
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const line = buffer.slice(0, nl).replace(/\r$/, '');
      buffer = buffer.slice(nl + 1);
      if (!line.startsWith('data:')) continue;
      const data = line.slice(5).trim();
      if (data === '[DONE]') return;
      let chunk;
      try {
        chunk = JSON.parse(data);
      } catch {
        throw new ApiError('The server sent a malformed stream event.');
      }
      if (chunk.error) throw new ApiError(chunk.error.message || 'The server failed mid-answer.', { code: chunk.error.code });
      yield chunk;
    }
  }
  throw new ApiError('The answer ended before the server said it was done.', { unreachable: true });
}
