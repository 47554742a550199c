// The view registry: importing a view's module defines its custom element (the tag named
// in contract.ts VIEWS); the shell shows a notice for a view whose module is not listed.
import './chat-view.js';
import './sessions-view.js';
import './runs-view.js';
