// The view registry: importing a view's module defines its custom element (the tag named
// in contract.ts VIEWS); the shell shows a notice for a view whose module is not listed.
import './chat-view.js';
import './sessions-view.js';
import './runs-view.js';
import './channels-view.js';
import './cron-view.js';
import './skills-view.js';
import './plugins-view.js';
import './nodes-view.js';
import './config-view.js';
import './logs-view.js';
import './canvas-view.js';
