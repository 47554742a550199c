// What the operator views add to the shell's shared look (web/src/view-styles.ts): a title
// bar with actions, status badges, and the error box a view shows when its data did not load.
import { css } from 'lit';
import { viewStyles as shellStyles } from '../view-styles.js';

const extras = css`
  input,
  textarea,
  select {
    box-sizing: border-box;
    max-width: 100%;
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
    align-items: center;
    margin-bottom: 12px;
  }
  .toolbar h2 {
    margin: 0;
  }
  .toolbar .spacer {
    flex: 1;
  }
  .error-text {
    color: var(--cb-error);
  }
  .load-error {
    color: var(--cb-error);
    border: 1px solid var(--cb-error);
    padding: 8px 10px;
    border-radius: 6px;
    margin-bottom: 12px;
  }
  .badge {
    display: inline-block;
    padding: 1px 8px;
    border-radius: 10px;
    font-size: 12px;
    border: 1px solid var(--cb-border);
    color: var(--cb-muted);
    white-space: nowrap;
  }
  .badge.ok {
    color: var(--cb-ok);
    border-color: var(--cb-ok);
  }
  .badge.warn {
    color: #b26a00;
    border-color: #e0a43a;
  }
  .badge.bad {
    color: var(--cb-error);
    border-color: var(--cb-error);
  }
  .mono {
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    font-size: 0.85em;
  }
  .wrap {
    overflow-wrap: anywhere;
  }
`;

/** The shell's shared view styles plus the operator views' own (first in a view's `styles`). */
export const viewStyles = [shellStyles, extras];
