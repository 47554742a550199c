// Canvas viewer: a gateway client with the `canvas` cap. It shows what the canvas tool
// presents in a sandboxed iframe and answers each `canvas.command` with `canvas.result`.
'use strict';

const CLIENT = { id: 'canvas-viewer', version: '0.1.0', platform: 'web', mode: 'canvas' };
const TOKEN_KEY = 'clawdbot.canvas.token';
const EVAL_TIMEOUT_MS = 25_000;

const $ = (id) => document.getElementById(id);
const frame = $('frame');
const empty = $('empty');

// A token in the URL is moved to localStorage and out of the address bar (as WebChat does).
const params = new URLSearchParams(location.search);
if (params.has('token')) {
  localStorage.setItem(TOKEN_KEY, params.get('token') ?? '');
  params.delete('token');
  const query = params.toString();
  history.replaceState(null, '', `${location.pathname}${query ? `?${query}` : ''}`);
}

function setStatus(state, text) {
  document.body.dataset.state = state;
  $('status').textContent = text;
}

let socket;
let nextId = 0;
const pending = new Map();
const evals = new Map();
let target;

function request(method, requestParams, ws = socket) {
  return new Promise((resolve, reject) => {
    if (!ws || ws.readyState !== WebSocket.OPEN) return reject(new Error('not connected'));
    const id = String(++nextId);
    pending.set(id, { resolve, reject });
    ws.send(JSON.stringify({ type: 'req', id, method, params: requestParams }));
  });
}

function answer(id, outcome) {
  request('canvas.result', { id, ...outcome }).catch(() => undefined);
}

/** Show a target and resolve when it has loaded. */
function show(next) {
  target = next;
  document.body.dataset.target = next ?? '';
  empty.hidden = next !== undefined;
  frame.hidden = next === undefined;
  if (next === undefined) {
    frame.removeAttribute('src');
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    frame.addEventListener('load', () => resolve(), { once: true });
    // Setting src navigates even to the same URL: that is how a live reload happens too.
    frame.src = next;
  });
}

// The bridge script in every canvas page answers eval requests by postMessage.
window.addEventListener('message', (event) => {
  if (event.source !== frame.contentWindow) return;
  const data = event.data;
  if (!data || data.type !== 'clawdbot-canvas-eval' || !evals.has(data.id)) return;
  const waiter = evals.get(data.id);
  evals.delete(data.id);
  waiter.settle(data.ok ? { ok: true, value: data.value } : { ok: false, error: data.error });
});

// A page that (re)loads while an eval waits never saw it, or saw it and was replaced before
// it could answer: a live reload after the file changed, or a present racing the eval on a
// busy machine. Its bridge is ready at 'load', so the waiting evals are sent again.
frame.addEventListener('load', () => {
  for (const [id, waiter] of evals) postEval(id, waiter.script);
});

function postEval(id, script) {
  frame.contentWindow?.postMessage({ type: 'clawdbot-canvas-eval', id, script }, '*');
}

function runInPage(script) {
  return new Promise((resolve) => {
    const id = `${Date.now()}-${Math.random()}`;
    const timer = setTimeout(() => {
      evals.delete(id);
      resolve({ ok: false, error: 'The canvas page did not answer (does it still load?).' });
    }, EVAL_TIMEOUT_MS);
    evals.set(id, {
      script,
      settle(outcome) {
        clearTimeout(timer);
        resolve(outcome);
      },
    });
    postEval(id, script);
  });
}

async function onCommand(payload) {
  const { id, command } = payload;
  try {
    if (command === 'state') {
      await show(payload.state?.visible ? payload.state.target : undefined);
    } else if (command === 'show') {
      await show(payload.target);
      answer(id, { ok: true, value: { target: payload.target } });
    } else if (command === 'hide') {
      await show(undefined);
      answer(id, { ok: true });
    } else if (command === 'eval') {
      answer(id, await runInPage(payload.script));
    } else if (command === 'reload') {
      // Live reload: a change under /canvas/ reloads a canvas page being shown.
      if (target && target.startsWith('/canvas/')) await show(target);
    } else {
      answer(id, { ok: false, error: `unknown canvas command ${command}` });
    }
  } catch (error) {
    answer(id, { ok: false, error: String(error?.message ?? error) });
  }
}

async function handshake(ws) {
  const secret = localStorage.getItem(TOKEN_KEY);
  try {
    await request(
      'connect',
      {
        minProtocol: 3,
        maxProtocol: 3,
        client: CLIENT,
        role: 'operator',
        caps: ['canvas'],
        ...(secret ? { auth: { token: secret, password: secret } } : {}),
      },
      ws,
    );
  } catch (error) {
    ws.authFailed = true;
    setStatus('error', `${error.message} (open /canvas-viewer?token=…)`);
    return;
  }
  setStatus('online', 'Canvas connected');
}

let retryMs = 500;
function connect() {
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/`);
  socket = ws;
  ws.addEventListener('message', (event) => {
    const frameData = JSON.parse(event.data);
    if (frameData.type === 'res') {
      const waiter = pending.get(frameData.id);
      pending.delete(frameData.id);
      if (frameData.ok) waiter?.resolve(frameData.payload);
      else waiter?.reject(new Error(frameData.error?.message ?? 'request failed'));
    } else if (frameData.event === 'connect.challenge') {
      handshake(ws).catch((error) => setStatus('error', error.message));
    } else if (frameData.event === 'canvas.command') {
      onCommand(frameData.payload).catch(() => undefined);
    }
  });
  ws.addEventListener('close', () => {
    if (socket !== ws) return;
    for (const waiter of pending.values()) waiter.reject(new Error('disconnected'));
    pending.clear();
    if (ws.authFailed) return;
    setStatus('offline', 'Disconnected; retrying');
    setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, 10_000);
  });
  ws.addEventListener('open', () => (retryMs = 500));
}

connect();
