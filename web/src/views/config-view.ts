// Config: clawdbot.json as a form generated from the gateway's JSON Schema (config.schema)
// and as raw JSON5 text. Both edit the file as written (config.get's `parsed`, secrets
// redacted), are checked against the schema as the person types, and are saved as a merge
// patch of what changed through config.patch, guarded by the hash of the version read.
import JSON5 from 'json5';
import { css, html, nothing } from 'lit';
import type { GatewayRpc } from '../contract.js';
import { renderSchemaField, type ConfigFormHost } from '../lib/config-form.js';
import { GatewayView } from '../lib/gateway-view.js';
import { checkSchema, type JsonSchema, type SchemaIssue } from '../lib/json-schema.js';
import { diffMergePatch, isEmptyPatch } from '../lib/merge-patch.js';
import { viewStyles } from '../lib/view-styles.js';

/** What config.get (and the redaction of every config answer) puts in place of a secret. */
const REDACTED = '__CLAWDBOT_REDACTED__';

type Json = Record<string, unknown>;

interface ConfigGetAnswer {
  path: string;
  exists: boolean;
  hash: string;
  valid: boolean;
  issues: { path: string[]; message: string }[];
  parsed: Json;
}

interface SchemaAnswer {
  schema: JsonSchema;
  uiHints: Record<string, { sensitive?: boolean }>;
}

const pathKey = (path: string[]) => path.join('.');

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function getAt(root: unknown, path: string[]): unknown {
  let node = root;
  for (const key of path) node = isObject(node) ? node[key] : undefined;
  return node;
}

/** A copy of `root` with `path` set (undefined: removed). */
function setAt(root: Json, path: string[], value: unknown): Json {
  const [key, ...rest] = path;
  if (key === undefined) return root;
  const copy = { ...root };
  if (rest.length === 0) {
    if (value === undefined) delete copy[key];
    else copy[key] = value;
    return copy;
  }
  const existing = copy[key];
  const child = isObject(existing) ? existing : {};
  const next = setAt(child, rest, value);
  // A group emptied by the form leaves no `{}` behind in the file.
  if (Object.keys(next).length === 0) delete copy[key];
  else copy[key] = next;
  return copy;
}

/** `cb-config-view`. */
export class ConfigView extends GatewayView {
  static override properties = {
    mode: { state: true },
    draft: { state: true },
    rawText: { state: true },
    rawError: { state: true },
    issues: { state: true },
    jsonDrafts: { state: true },
    saving: { state: true },
    saveError: { state: true },
    openSections: { state: true },
  };
  static override styles = [
    viewStyles,
    css`
      .tabs button[aria-pressed='true'] {
        background: var(--cb-text);
        color: var(--cb-panel);
      }
      details.section {
        border: 1px solid var(--cb-border);
        border-radius: 6px;
        margin-bottom: 8px;
        padding: 6px 12px;
      }
      details.section > summary {
        cursor: pointer;
        font-weight: 600;
        padding: 4px 0;
      }
      details.section > summary .help {
        display: inline;
        font-weight: normal;
        margin-left: 8px;
      }
      fieldset.group {
        border: 0;
        border-left: 3px solid var(--cb-border);
        margin: 8px 0;
        padding: 0 0 0 12px;
      }
      fieldset.group > legend {
        font-weight: 600;
        padding: 0;
      }
      .field {
        display: grid;
        grid-template-columns: 12em 1fr;
        gap: 4px 12px;
        padding: 5px 0;
        align-items: start;
      }
      .field label {
        font-family: ui-monospace, SFMono-Regular, Menlo, monospace;
        font-size: 12.5px;
        padding-top: 5px;
        overflow-wrap: anywhere;
      }
      .field input:not([type='checkbox']),
      .field textarea {
        width: min(100%, 32em);
      }
      .field textarea.json {
        font-family: ui-monospace, SFMono-Regular, Menlo, monospace;
        font-size: 12.5px;
      }
      .help {
        color: var(--cb-muted);
        font-size: 12.5px;
      }
      .issue {
        color: var(--cb-error);
        font-size: 12.5px;
      }
      .raw {
        width: 100%;
        box-sizing: border-box;
        min-height: 420px;
        font-family: ui-monospace, SFMono-Regular, Menlo, monospace;
        font-size: 12.5px;
      }
      .issues {
        color: var(--cb-error);
        margin: 8px 0;
      }
      .savebar {
        position: sticky;
        bottom: 0;
        background: var(--cb-panel);
        padding: 8px 0;
        border-top: 1px solid var(--cb-border);
        display: flex;
        gap: 8px;
        align-items: center;
        flex-wrap: wrap;
      }
      @media (max-width: 640px) {
        .field {
          grid-template-columns: 1fr;
        }
      }
    `,
  ];

  declare mode: 'form' | 'raw';
  /** The document being edited (the file as written, secrets redacted). */
  declare draft: Json;
  declare rawText: string;
  declare rawError: string | undefined;
  declare issues: SchemaIssue[];
  /** JSON fields whose text does not parse yet: path -> [text, error]. */
  declare jsonDrafts: ReadonlyMap<string, [string, string]>;
  declare saving: boolean;
  declare saveError: string | undefined;
  declare openSections: ReadonlySet<string>;

  #schema: SchemaAnswer | undefined;
  #file: ConfigGetAnswer | undefined;

  constructor() {
    super();
    this.mode = 'form';
    this.draft = {};
    this.rawText = '';
    this.rawError = undefined;
    this.issues = [];
    this.jsonDrafts = new Map();
    this.saving = false;
    this.saveError = undefined;
    this.openSections = new Set();
  }

  protected override async load(rpc: GatewayRpc): Promise<void> {
    const [schema, file] = await Promise.all([
      this.#schema ?? rpc.request<SchemaAnswer>('config.schema', {}),
      rpc.request<ConfigGetAnswer>('config.get', {}),
    ]);
    this.#schema = schema;
    // A reconnect must not throw away edits in progress; saving them checks the hash.
    if (this.#dirty) return;
    this.#file = file;
    this.#reset(file.parsed);
  }

  get #dirty(): boolean {
    return this.#file !== undefined && !isEmptyPatch(diffMergePatch(this.#file.parsed, this.draft));
  }

  #reset(document: Json): void {
    this.draft = document;
    this.rawText = JSON.stringify(document, null, 2);
    this.rawError = undefined;
    this.jsonDrafts = new Map();
    this.saveError = undefined;
    this.#check();
  }

  #check(): void {
    this.issues = this.#schema
      ? checkSchema(this.#schema.schema, this.draft, (value) => value === REDACTED)
      : [];
  }

  #setDraft(next: Json): void {
    this.draft = next;
    this.saveError = undefined;
    this.#check();
  }

  #sensitive(path: string[]): boolean {
    const hints = this.#schema?.uiHints ?? {};
    // Hints name record members `*`: try the exact path, then with each segment as `*`.
    if (hints[pathKey(path)]?.sensitive) return true;
    return Object.entries(hints).some(([pattern, hint]) => {
      const parts = pattern.split('.');
      return (
        hint.sensitive === true &&
        parts.length === path.length &&
        parts.every((part, index) => part === '*' || part === path[index])
      );
    });
  }

  get #host(): ConfigFormHost {
    return {
      value: (path) => getAt(this.draft, path),
      set: (path, value) => this.#setDraft(setAt(this.draft, path, value)),
      issue: (path) =>
        this.jsonDrafts.get(pathKey(path))?.[1] ??
        this.issues.find((issue) => pathKey(issue.path) === pathKey(path))?.message,
      sensitive: (path) => this.#sensitive(path),
      isRedacted: (value) => value === REDACTED,
      jsonDraft: (path) => this.jsonDrafts.get(pathKey(path))?.[0],
      setJsonDraft: (path, text, error) => {
        const next = new Map(this.jsonDrafts);
        if (text === undefined) next.delete(pathKey(path));
        else next.set(pathKey(path), [text, error ?? 'not valid JSON5']);
        this.jsonDrafts = next;
      },
    };
  }

  #switchMode(mode: 'form' | 'raw'): void {
    if (mode === this.mode) return;
    if (mode === 'raw') {
      this.rawText = JSON.stringify(this.draft, null, 2);
      this.rawError = undefined;
    } else if (this.rawError !== undefined) {
      this.ctx?.notify('Fix the JSON5 text first: the form cannot show it.', 'error');
      return;
    }
    this.mode = mode;
  }

  #onRawInput(text: string): void {
    this.rawText = text;
    try {
      const parsed: unknown = JSON5.parse(text);
      if (!isObject(parsed)) throw new Error('the config must be a JSON object');
      this.rawError = undefined;
      this.#setDraft(parsed);
    } catch (error) {
      this.rawError = (error as Error).message;
    }
  }

  async #save(): Promise<void> {
    const file = this.#file;
    if (file === undefined || this.rawError !== undefined || this.jsonDrafts.size > 0) return;
    const patch = diffMergePatch(file.parsed, this.draft);
    if (isEmptyPatch(patch)) {
      this.ctx?.notify('Nothing changed.');
      return;
    }
    this.saving = true;
    try {
      await this.ctx!.rpc.request('config.patch', {
        raw: JSON.stringify(patch),
        baseHash: file.hash,
      });
      this.ctx!.notify(`Saved ${file.path}.`);
      const fresh = await this.ctx!.rpc.request<ConfigGetAnswer>('config.get', {});
      this.#file = fresh;
      this.#reset(fresh.parsed);
    } catch (error) {
      const details = (error as { details?: { issues?: SchemaIssue[] } }).details;
      this.saveError = (error as Error).message;
      if (details?.issues) this.issues = details.issues;
    } finally {
      this.saving = false;
    }
  }

  override render() {
    const file = this.#file;
    const blocked =
      this.issues.length > 0 || this.rawError !== undefined || this.jsonDrafts.size > 0;
    return html`
      <div class="toolbar">
        <h2>Config</h2>
        ${file ? html`<code class="muted">${file.path}</code>` : nothing}
        <span class="spacer"></span>
        <span class="tabs">
          <button
            aria-pressed=${String(this.mode === 'form')}
            @click=${() => this.#switchMode('form')}
          >
            Form
          </button>
          <button
            aria-pressed=${String(this.mode === 'raw')}
            @click=${() => this.#switchMode('raw')}
          >
            Raw JSON5
          </button>
        </span>
        <button @click=${() => void this.refresh()} ?disabled=${this.loading}>Reload</button>
      </div>
      ${this.loadError ? html`<div class="load-error" role="alert">${this.loadError}</div>` : nothing}
      ${!this.loaded && !this.loadError ? html`<div class="empty">Loading…</div>` : nothing}
      ${
        file && !file.valid
          ? html`<div class="load-error">
              The file on disk is not valid:
              ${file.issues.map((issue) => html`<div>${pathKey(issue.path) || '(top)'}: ${issue.message}</div>`)}
            </div>`
          : nothing
      }
      ${this.loaded ? (this.mode === 'form' ? this.#renderForm() : this.#renderRaw()) : nothing}
      ${
        this.loaded
          ? html`<div class="savebar">
              <button
                class="primary save"
                ?disabled=${this.saving || blocked || !this.#dirty}
                @click=${() => void this.#save()}
              >
                ${this.saving ? 'Saving…' : 'Save'}
              </button>
              <button ?disabled=${!this.#dirty} @click=${() => file && this.#reset(file.parsed)}>
                Discard changes
              </button>
              <span
                class="validity ${blocked ? 'error-text' : 'muted'}"
                data-valid=${String(!blocked)}
              >
                ${
                  blocked
                    ? `${this.issues.length + this.jsonDrafts.size + (this.rawError ? 1 : 0)} problem(s)`
                    : this.#dirty
                      ? 'Valid, not saved'
                      : 'No changes'
                }
              </span>
              ${
                this.saveError
                  ? html`<span class="error-text save-error" role="alert">${this.saveError}</span>`
                  : nothing
              }
            </div>`
          : nothing
      }
    `;
  }

  #renderForm() {
    const schema = this.#schema?.schema;
    if (!schema?.properties) return html`<div class="empty">The gateway sent no schema.</div>`;
    const host = this.#host;
    return html`<form class="config-form" @submit=${(event: Event) => event.preventDefault()}>
      ${Object.entries(schema.properties).map(([key, section]) => {
        const sectionIssues = this.issues.filter((issue) => issue.path[0] === key).length;
        return html`<details
          class="section"
          data-section=${key}
          ?open=${this.openSections.has(key) || sectionIssues > 0}
          @toggle=${(event: Event) => {
            const open = (event.target as HTMLDetailsElement).open;
            const next = new Set(this.openSections);
            if (open) next.add(key);
            else next.delete(key);
            this.openSections = next;
          }}
        >
          <summary>
            ${key}
            ${sectionIssues > 0 ? html`<span class="badge bad">${sectionIssues}</span>` : nothing}
            ${section.description ? html`<span class="help">${section.description}</span>` : nothing}
          </summary>
          ${
            this.openSections.has(key) || sectionIssues > 0
              ? section.properties
                ? Object.entries(section.properties).map(([child, node]) =>
                    renderSchemaField([key, child], node, host),
                  )
                : renderSchemaField([key], section, host)
              : nothing
          }
        </details>`;
      })}
    </form>`;
  }

  #renderRaw() {
    return html`
      <p class="muted">
        The file as JSON5 (comments are not kept here). Secrets show as
        <code>${REDACTED}</code>: leave them to keep them, or replace them.
      </p>
      <textarea
        class="raw"
        spellcheck="false"
        aria-label="clawdbot.json"
        .value=${this.rawText}
        @input=${(event: Event) => this.#onRawInput((event.target as HTMLTextAreaElement).value)}
      ></textarea>
      ${this.rawError ? html`<div class="issues raw-error" role="alert">${this.rawError}</div>` : nothing}
      ${
        this.issues.length > 0
          ? html`<ul class="issues">
              ${this.issues.map(
                (issue) => html`<li>${pathKey(issue.path) || '(top)'}: ${issue.message}</li>`,
              )}
            </ul>`
          : nothing
      }
    `;
  }
}

customElements.define('cb-config-view', ConfigView);
