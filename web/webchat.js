// WebChat: a small client of the gateway's WebSocket protocol (v3), no build step.
// Everything that comes from the model, a tool or the server is rendered with
// textContent, never as markup.

const CLIENT = { id: 'webchat', version: '0.1.0', platform: 'web', mode: 'webchat' };
const TOKEN_KEY = 'clawdbot.webchat.token';
const SESSION_KEY = 'clawdbot.webchat.session';
const PREVIEW_CHARS = 4000;

const $ = (id) => document.getElementById(id);
const log = $('log');
const input = $('message');
const abortButton = $('abort');

// A token in the URL is moved to localStorage and out of the address bar (and history).
const params = new URLSearchParams(location.search);
if (params.has('token')) {
  localStorage.setItem(TOKEN_KEY, params.get('token') ?? '');
  params.delete('token');
  const query = params.toString();
  history.replaceState(null, '', location.pathname + (query ? `?${query}` : '') + location.hash);
}
// Unless chosen, the session is the gateway's main one (known after connecting).
let sessionKey = params.get('session') || localStorage.getItem(SESSION_KEY) || undefined;

/** Create an element with a class and text (text only: never markup). */
function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function preview(value) {
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}\n… (truncated)` : text;
}

// crypto.randomUUID exists only in secure contexts; a LAN address over http is not one.
function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function showSession(key) {
  sessionKey = key;
  $('session-label').textContent = key;
  $('session-input').value = key;
}

function setStatus(state, text) {
  const status = $('status');
  status.dataset.state = state;
  status.textContent = text;
}

/** Keep the newest message in view unless the reader scrolled up. */
function follow(render) {
  const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 80;
  render();
  if (atBottom) log.scrollTop = log.scrollHeight;
}

// ---- conversation view -------------------------------------------------------------

/** One assistant turn: text bubbles, tool cards and notes, in the order they happened. */
function createTurn() {
  const root = el('article', 'turn assistant');
  root.append(el('h2', 'who', 'ClawdBot'));
  const tools = new Map();
  let bubble;
  follow(() => {
    log.querySelector('.empty')?.remove();
    log.append(root);
  });
  return {
    root,
    /** Show the current step's text (it replaces, so a restarted stream never shows twice). */
    text(text) {
      if (!bubble && !text) return;
      bubble ??= root.appendChild(el('p', 'bubble'));
      follow(() => (bubble.textContent = text));
    },
    tool(id, name, args) {
      bubble = undefined; // text after a tool call is the next step's
      const card = el('details', 'tool');
      const summary = el('summary');
      const status = el('span', 'tool-status', 'running…');
      summary.append(el('span', 'tool-name', name), status);
      card.append(summary, el('pre', 'tool-args', preview(args ?? {})));
      follow(() => root.append(card));
      tools.set(id, { card, status });
    },
    toolResult(id, text, isError) {
      const tool = tools.get(id);
      if (!tool) return;
      tool.status.textContent = isError ? 'failed' : 'done';
      tool.card.classList.add(isError ? 'failed' : 'done');
      tool.card.append(el('pre', 'tool-result', preview(text)));
    },
    note(kind, text) {
      follow(() => root.append(el('p', `note ${kind}`, text)));
    },
    busy(value) {
      root.setAttribute('aria-busy', String(value));
    },
  };
}

function addUser(text, images = []) {
  const root = el('article', 'turn user');
  root.append(el('h2', 'who', 'You'));
  if (text) root.append(el('p', 'bubble', text));
  for (const image of images) {
    const img = el('img', 'attachment');
    img.alt = 'attached image';
    img.src = `data:${image.mimeType};base64,${image.data}`;
    root.append(img);
  }
  follow(() => {
    log.querySelector('.empty')?.remove();
    log.append(root);
  });
}

const textOf = (message) =>
  (message.content ?? [])
    .filter((block) => block.type === 'text')
    .map((block) => block.text)
    .join('');

function renderHistory(messages) {
  log.replaceChildren();
  if (messages.length === 0) log.append(el('p', 'empty', 'No messages yet. Say hello.'));
  let turn;
  for (const message of messages) {
    if (message.role === 'user') {
      turn = undefined;
      addUser(
        textOf(message),
        message.content?.filter((block) => block.type === 'image'),
      );
    } else if (message.role === 'assistant') {
      turn ??= createTurn();
      turn.text(textOf(message));
      for (const call of message.content.filter((block) => block.type === 'toolCall')) {
        turn.tool(call.id, call.name, call.arguments);
      }
    } else if (message.role === 'toolResult') {
      turn?.toolResult(message.toolCallId, textOf(message), message.isError);
    }
  }
  turn?.busy(false);
  log.scrollTop = log.scrollHeight;
}

// ---- runs --------------------------------------------------------------------------

const runs = new Map();
// An aborted LLM call may still stream a little after its run ended: those events are late.
const ended = new Set();
let activeRun;

function runTurn(runId) {
  let turn = runs.get(runId);
  if (!turn) {
    turn = createTurn();
    turn.busy(true);
    runs.set(runId, turn);
  }
  return turn;
}

function setActive(runId) {
  activeRun = runId;
  abortButton.disabled = runId === undefined;
}

function endRun(runId) {
  runs.get(runId)?.busy(false);
  runs.delete(runId);
  ended.add(runId);
  if (ended.size > 1000) ended.delete(ended.values().next().value);
  if (activeRun === runId) setActive(undefined);
}

function onAgent({ runId, sessionKey: key, stream, data }) {
  if (key !== sessionKey || ended.has(runId)) return;
  const turn = runTurn(runId);
  if (stream === 'lifecycle' && data.phase === 'start') setActive(runId);
  if (stream === 'assistant') turn.text(data.reset ? '' : data.text);
  if (stream === 'tool' && data.phase === 'start') turn.tool(data.toolCallId, data.name, data.args);
  if (stream === 'tool' && data.phase === 'result') {
    turn.toolResult(data.toolCallId, textOf(data.result ?? {}), data.isError);
  }
}

function onChat({ runId, sessionKey: key, state, message, errorMessage }) {
  if (key !== sessionKey || state === 'delta' || ended.has(runId)) return;
  const turn = runTurn(runId);
  if (state === 'final' && message) turn.text(textOf(message));
  if (state === 'aborted') turn.note('aborted', 'Aborted.');
  if (state === 'error') turn.note('error', `Error: ${errorMessage ?? 'the run failed'}`);
  endRun(runId);
}

// ---- connection --------------------------------------------------------------------

let socket;
let nextId = 0;
let retryMs = 500;
const pending = new Map();

function request(method, params, ws = socket) {
  return new Promise((resolve, reject) => {
    if (!ws || ws.readyState !== WebSocket.OPEN) return reject(new Error('not connected'));
    const id = String(++nextId);
    pending.set(id, { resolve, reject });
    ws.send(JSON.stringify({ type: 'req', id, method, params }));
  });
}

async function handshake(ws) {
  const secret = localStorage.getItem(TOKEN_KEY);
  let hello;
  try {
    hello = await request(
      'connect',
      {
        minProtocol: 3,
        maxProtocol: 3,
        client: CLIENT,
        role: 'operator',
        ...(secret ? { auth: { token: secret, password: secret } } : {}),
      },
      ws,
    );
  } catch (error) {
    ws.authFailed = true;
    setStatus('error', error.message);
    $('settings').open = true;
    return;
  }
  retryMs = 500;
  showSession(sessionKey ?? hello.snapshot?.sessionDefaults?.mainSessionKey ?? 'agent:main:main');
  setStatus('online', 'Connected');
  input.disabled = false;
  const loaded = await request('chat.history', { sessionKey, limit: 200 }, ws);
  runs.clear();
  setActive(undefined);
  renderHistory(loaded.messages);
}

function connect() {
  setStatus('connecting', 'Connecting…');
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/`);
  socket = ws;
  ws.addEventListener('message', (event) => {
    const frame = JSON.parse(event.data);
    if (frame.type === 'res') {
      const waiter = pending.get(frame.id);
      pending.delete(frame.id);
      if (frame.ok) waiter?.resolve(frame.payload);
      else waiter?.reject(new Error(frame.error?.message ?? 'request failed'));
    } else if (frame.event === 'connect.challenge') {
      handshake(ws).catch((error) => setStatus('error', error.message));
    } else if (frame.event === 'agent') onAgent(frame.payload);
    else if (frame.event === 'chat') onChat(frame.payload);
    else if (frame.event === 'shutdown') setStatus('connecting', 'Gateway restarting…');
  });
  ws.addEventListener('close', () => {
    if (socket !== ws) return;
    for (const waiter of pending.values()) waiter.reject(new Error('disconnected'));
    pending.clear();
    input.disabled = true;
    if (ws.authFailed) return; // retrying would fail the same way; the settings are open
    setStatus('offline', `Disconnected; retrying in ${Math.round(retryMs / 1000)} s`);
    setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, 10_000);
  });
}

// ---- controls ----------------------------------------------------------------------

async function send(text) {
  // The gateway's run id is the idempotency key: events may arrive before the answer.
  const idempotencyKey = uuid();
  addUser(text);
  runTurn(idempotencyKey);
  setActive(idempotencyKey);
  try {
    await request('chat.send', { sessionKey, message: text, idempotencyKey });
  } catch (error) {
    runTurn(idempotencyKey).note('error', `Not sent: ${error.message}`);
    endRun(idempotencyKey);
  }
}

$('composer').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = input.value.trim();
  if (!text) return;
  input.value = '';
  void send(text);
});
input.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    $('composer').requestSubmit();
  }
});
abortButton.addEventListener('click', () => {
  request('chat.abort', { sessionKey, runId: activeRun }).catch((error) =>
    setStatus('error', `Abort failed: ${error.message}`),
  );
});
$('settings-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const chosen = $('session-input').value.trim();
  if (chosen) {
    localStorage.setItem(SESSION_KEY, chosen);
    showSession(chosen);
  }
  const token = $('token-input').value;
  if (token) localStorage.setItem(TOKEN_KEY, token);
  $('token-input').value = '';
  $('settings').open = false;
  socket?.close();
  socket = undefined;
  connect();
});

if (sessionKey) showSession(sessionKey);
input.disabled = true;
connect();
