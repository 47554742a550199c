// Served into every canvas page: runs the viewer's `eval` here, where the page's state is,
// and posts the (JSON-safe) value back. Only the framing viewer may ask.
'use strict';

window.addEventListener('message', async (event) => {
  const data = event.data;
  if (event.source !== window.parent || !data || data.type !== 'clawdbot-canvas-eval') return;
  let reply;
  try {
    // Indirect eval: the script runs in the page's global scope, as if typed in its console.
    const value = await (0, eval)(data.script);
    // Only what survives JSON goes back (functions and DOM nodes become null).
    const json = JSON.stringify(value);
    reply = { ok: true, value: json === undefined ? null : JSON.parse(json) };
  } catch (error) {
    reply = { ok: false, error: String(error && error.message ? error.message : error) };
  }
  window.parent.postMessage({ type: 'clawdbot-canvas-eval', id: data.id, ...reply }, '*');
});
