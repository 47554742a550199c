// The look the views share: tables that turn into stacked cards on a phone-sized screen,
// status badges, and buttons. Each view adds only what is its own.
import { css } from 'lit';

/** Styles shared by every view (include first in a view's `styles`). */
export const viewStyles = css`
  :host {
    display: block;
    font:
      14px/1.45 system-ui,
      sans-serif;
    color: #1d2330;
  }
  h2 {
    font-size: 18px;
    margin: 0 0 12px;
  }
  h3 {
    font-size: 15px;
    margin: 20px 0 8px;
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
    align-items: center;
    margin-bottom: 12px;
  }
  .toolbar .spacer {
    flex: 1;
  }
  button {
    font: inherit;
    padding: 4px 10px;
    border: 1px solid #aab2c0;
    border-radius: 4px;
    background: #f6f7f9;
    cursor: pointer;
  }
  button.primary {
    background: #2d5bd7;
    border-color: #2d5bd7;
    color: #fff;
  }
  button.danger {
    color: #b3261e;
    border-color: #d9a5a1;
  }
  button:disabled {
    opacity: 0.55;
    cursor: default;
  }
  input,
  select,
  textarea {
    font: inherit;
    padding: 4px 6px;
    border: 1px solid #aab2c0;
    border-radius: 4px;
    box-sizing: border-box;
    max-width: 100%;
  }
  table {
    border-collapse: collapse;
    width: 100%;
  }
  th,
  td {
    text-align: left;
    vertical-align: top;
    padding: 6px 8px;
    border-bottom: 1px solid #e3e6eb;
  }
  th {
    font-weight: 600;
    color: #4a5262;
    font-size: 12px;
    text-transform: uppercase;
    letter-spacing: 0.03em;
  }
  .muted {
    color: #6b7384;
  }
  .empty {
    color: #6b7384;
    padding: 12px 0;
  }
  .error-text {
    color: #b3261e;
  }
  .load-error {
    color: #b3261e;
    background: #fbeceb;
    padding: 8px 10px;
    border-radius: 4px;
    margin-bottom: 12px;
  }
  .badge {
    display: inline-block;
    padding: 1px 8px;
    border-radius: 10px;
    font-size: 12px;
    background: #e8eaef;
    color: #3b4252;
    white-space: nowrap;
  }
  .badge.ok {
    background: #dff3e4;
    color: #1e6b34;
  }
  .badge.warn {
    background: #fff1d6;
    color: #7a5200;
  }
  .badge.bad {
    background: #fbe0de;
    color: #9b1c14;
  }
  code,
  .mono {
    font-family: ui-monospace, SFMono-Regular, Menlo, monospace;
    font-size: 12.5px;
  }
  .wrap {
    overflow-wrap: anywhere;
  }
  /* A phone: every table row becomes a card whose cells carry their column's name. */
  @media (max-width: 640px) {
    table.cards thead {
      display: none;
    }
    table.cards,
    table.cards tbody,
    table.cards tr,
    table.cards td {
      display: block;
      width: 100%;
      box-sizing: border-box;
    }
    table.cards tr {
      border: 1px solid #e3e6eb;
      border-radius: 6px;
      margin-bottom: 10px;
      padding: 4px 0;
    }
    table.cards td {
      border: 0;
      padding: 3px 10px;
    }
    table.cards td[data-label]::before {
      content: attr(data-label) ': ';
      font-weight: 600;
      color: #4a5262;
    }
  }
`;
