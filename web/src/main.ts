// The Control UI's entry point (bundled to web/dist/app.js): the views register their
// custom elements, then the shell renders whichever the route names.
import './views/index.js';
import './app-shell.js';
