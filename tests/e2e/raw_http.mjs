// Raw HTTP/1.1 over node:net for the hardening tests: requests fetch() cannot send (a chosen
// Host, control bytes, a head sent a byte at a time, a chunked body streamed without end) and
// the first response read back as it came.
import net from 'node:net';

export function connect(url) {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: u.hostname, port: Number(u.port) }, () => resolve(s));
    s.on('error', reject);
  });
}

// A chunked body (RFC 9112 §7.1) decoded, or null until its last chunk and final CRLF have arrived.
// Reading only up to the headers would leave the chunks on the socket, to be misread as the next
// response when they arrive late.
function dechunk(bytes) {
  const parts = [];
  let at = 0;
  for (;;) {
    const eol = bytes.indexOf('\r\n', at);
    if (eol < 0) return null;
    const size = parseInt(bytes.subarray(at, eol).toString('latin1').split(';')[0], 16);
    if (Number.isNaN(size)) return bytes.toString('latin1');  // not chunked after all: show what came
    if (size === 0) return bytes.indexOf('\r\n\r\n', eol) < 0 ? null : Buffer.concat(parts).toString('utf8');  // trailers end in an empty line
    if (bytes.length < eol + 2 + size + 2) return null;
    parts.push(bytes.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}

// The first response on `socket`: { status, headers (lower-case names), body, json, ms } once
// its whole body (Content-Length or chunked) is in; rejects after `timeoutMs` or when the socket ends first.
export function readResponse(socket, timeoutMs = 5000) {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const done = (f, v) => { clearTimeout(timer); socket.off('data', onData); socket.off('close', onClose); f(v); };
    const timer = setTimeout(() => done(reject, new Error(`no response within ${timeoutMs} ms (got ${JSON.stringify(buf.toString().slice(0, 200))})`)), timeoutMs);
    const onClose = () => done(reject, new Error(`closed without a whole response (got ${JSON.stringify(buf.toString().slice(0, 200))})`));
    const onData = (d) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {  // skip 1xx interim responses
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
        const status = Number(lines[0].split(' ')[1]);
        const headers = {};
        for (const l of lines.slice(1)) {
          const i = l.indexOf(':');
          headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
        }
        if (status >= 100 && status < 200) { buf = buf.subarray(end + 4); continue; }
        let body;
        if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
          body = dechunk(buf.subarray(end + 4));  // the whole body, or null while chunks are still coming
          if (body === null) return;
        } else {
          const len = Number(headers['content-length'] ?? 0);
          if (buf.length < end + 4 + len) return;
          body = buf.subarray(end + 4, end + 4 + len).toString('utf8');
        }
        let json = null;
        try { json = JSON.parse(body); } catch { /* not JSON */ }
        return done(resolve, { status, headers, body, json, ms: Date.now() - t0 });
      }
    };
    socket.on('data', onData);
    socket.on('close', onClose);
  });
}

// one request as raw text (or bytes) on a fresh connection; its response
export async function rawRequest(url, text, timeoutMs = 5000) {
  const s = await connect(url);
  try {
    const r = readResponse(s, timeoutMs);
    s.write(text);
    return await r;
  } finally {
    s.destroy();
  }
}

// "METHOD PATH HTTP/1.1" with these headers (Host defaults to the server's) and body
export function httpText(url, method, path, headers = {}, body = '') {
  const u = new URL(url);
  const h = { Host: u.host, ...headers };
  if (body.length && !('Content-Length' in h) && !('Transfer-Encoding' in h)) h['Content-Length'] = Buffer.byteLength(body);
  return `${method} ${path} HTTP/1.1\r\n${Object.entries(h).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n${body}`;
}
