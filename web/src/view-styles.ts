// Styles every view shares (buttons, tables, forms, code), adopted into each shadow root.
import { css } from 'lit';

/** The shared look of views: include in a view's `static styles`. */
export const viewStyles = css`
  :host {
    display: block;
    padding: 16px;
    box-sizing: border-box;
  }
  h2 {
    font-size: 1.05rem;
    margin: 0 0 12px;
  }
  h3 {
    font-size: 0.95rem;
    margin: 20px 0 8px;
  }
  button {
    font: inherit;
    border: 1px solid var(--cb-border);
    border-radius: 6px;
    background: var(--cb-panel);
    color: var(--cb-text);
    padding: 4px 10px;
    cursor: pointer;
  }
  button:disabled {
    opacity: 0.5;
    cursor: default;
  }
  button.primary {
    background: var(--cb-accent);
    color: var(--cb-accent-text);
    border-color: var(--cb-accent);
  }
  button.danger {
    color: var(--cb-error);
    border-color: var(--cb-error);
  }
  input,
  textarea,
  select {
    font: inherit;
    color: inherit;
    background: var(--cb-panel);
    border: 1px solid var(--cb-border);
    border-radius: 6px;
    padding: 4px 8px;
  }
  a {
    color: var(--cb-accent);
  }
  table {
    width: 100%;
    border-collapse: collapse;
    background: var(--cb-panel);
    font-size: 0.9rem;
  }
  th,
  td {
    text-align: left;
    padding: 6px 8px;
    border-bottom: 1px solid var(--cb-border);
    vertical-align: top;
  }
  th {
    color: var(--cb-muted);
    font-weight: 600;
  }
  code,
  pre {
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    font-size: 0.85em;
  }
  pre {
    background: var(--cb-code-bg);
    padding: 8px;
    border-radius: 6px;
    overflow-x: auto;
    white-space: pre-wrap;
    word-break: break-word;
  }
  .muted {
    color: var(--cb-muted);
  }
  .empty {
    color: var(--cb-muted);
    padding: 12px 0;
  }
  .actions {
    display: flex;
    gap: 6px;
    flex-wrap: wrap;
  }
  /* Tables become stacked cards on a phone. */
  @media (max-width: 760px) {
    :host {
      padding: 10px;
    }
    table.cards thead {
      display: none;
    }
    table.cards tr {
      display: block;
      border-bottom: 1px solid var(--cb-border);
      padding: 6px 0;
    }
    table.cards td {
      display: block;
      border: none;
      padding: 2px 8px;
    }
    table.cards td[data-label]::before {
      content: attr(data-label) ': ';
      color: var(--cb-muted);
    }
  }
`;

/** A time as the person's locale shows it ('' when unknown). */
export function formatTime(ms: number | undefined): string {
  return ms ? new Date(ms).toLocaleString() : '';
}

/** A short age ('5 s ago', '3 min ago', …). */
export function formatAge(ms: number | undefined, now = Date.now()): string {
  if (!ms) return '';
  const seconds = Math.max(0, Math.round((now - ms) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86_400)} d ago`;
}

/** The message of a failed request. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
