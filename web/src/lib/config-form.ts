// Renders a form for a JSON Schema node: one input per setting, its description as help,
// its default as placeholder, secrets as password fields, and each field's live problem
// beside it. Leaving a field empty removes it from the file (its default applies).
import JSON5 from 'json5';
import { html, nothing, type TemplateResult } from 'lit';
import { typeOf, type JsonSchema } from './json-schema.js';

/** What the form reads and changes: the draft document, by path. */
export interface ConfigFormHost {
  value(path: string[]): unknown;
  /** Set a value; undefined removes the key. */
  set(path: string[], value: unknown): void;
  /** The live problem of this exact path, if any. */
  issue(path: string[]): string | undefined;
  sensitive(path: string[]): boolean;
  /** Whether a secret is set in the file (it arrives redacted). */
  isRedacted(value: unknown): boolean;
  /** Text typed into a JSON field that does not parse yet (kept so the typing is not lost). */
  jsonDraft(path: string[]): string | undefined;
  setJsonDraft(path: string[], text: string | undefined, error?: string): void;
}

const id = (path: string[]) => `cfg-${path.join('-')}`;

/** A scalar as an input shows it (a value of the wrong type is shown as JSON, to be fixed). */
function text(value: unknown): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function describeDefault(schema: JsonSchema): string {
  if (schema.default === undefined) return '';
  return typeof schema.default === 'string' ? schema.default : JSON.stringify(schema.default);
}

function help(schema: JsonSchema) {
  return schema.description ? html`<div class="help">${schema.description}</div>` : nothing;
}

function problem(host: ConfigFormHost, path: string[]) {
  const text = host.issue(path);
  return text ? html`<div class="issue" role="alert">${text}</div>` : nothing;
}

function isPrimitiveArray(schema: JsonSchema): boolean {
  const items = schema.items;
  if (items === undefined) return false;
  const type = typeOf(items);
  return type === 'string' || type === 'number' || type === 'integer';
}

function field(
  path: string[],
  schema: JsonSchema,
  host: ConfigFormHost,
  control: TemplateResult,
): TemplateResult {
  return html`<div class="field" data-path=${path.join('.')}>
    <label for=${id(path)}>${path[path.length - 1]}</label>
    <div class="control">${control} ${help(schema)} ${problem(host, path)}</div>
  </div>`;
}

function jsonField(path: string[], schema: JsonSchema, host: ConfigFormHost): TemplateResult {
  const value = host.value(path);
  const text = host.jsonDraft(path) ?? (value === undefined ? '' : JSON.stringify(value, null, 2));
  return field(
    path,
    schema,
    host,
    html`<textarea
      id=${id(path)}
      class="json"
      rows=${Math.min(12, Math.max(3, text.split('\n').length))}
      spellcheck="false"
      placeholder=${describeDefault(schema) || '(JSON5)'}
      .value=${text}
      @input=${(event: Event) => {
        const typed = (event.target as HTMLTextAreaElement).value;
        if (typed.trim() === '') {
          host.setJsonDraft(path, undefined);
          host.set(path, undefined);
          return;
        }
        try {
          const parsed: unknown = JSON5.parse(typed);
          host.setJsonDraft(path, undefined);
          host.set(path, parsed);
        } catch (error) {
          host.setJsonDraft(path, typed, (error as Error).message);
        }
      }}
    ></textarea>`,
  );
}

/** One setting (or a group of them) of the form. */
export function renderSchemaField(
  path: string[],
  schema: JsonSchema,
  host: ConfigFormHost,
): TemplateResult {
  const type = typeOf(schema);
  const value = host.value(path);
  const placeholder = describeDefault(schema);

  if (type === 'object' && schema.properties !== undefined) {
    return html`<fieldset class="group" data-path=${path.join('.')}>
      <legend>${path[path.length - 1]}</legend>
      ${help(schema)} ${problem(host, path)}
      ${Object.entries(schema.properties).map(([key, child]) =>
        renderSchemaField([...path, key], child, host),
      )}
    </fieldset>`;
  }

  if (schema.enum !== undefined) {
    const current = value === undefined ? '' : JSON.stringify(value);
    return field(
      path,
      schema,
      host,
      html`<select
        id=${id(path)}
        .value=${current}
        @change=${(event: Event) => {
          const chosen = (event.target as HTMLSelectElement).value;
          host.set(path, chosen === '' ? undefined : JSON.parse(chosen));
        }}
      >
        <option value="">${placeholder ? `default (${placeholder})` : '(not set)'}</option>
        ${schema.enum.map(
          (option) =>
            html`<option
              value=${JSON.stringify(option)}
              ?selected=${JSON.stringify(option) === current}
            >
              ${String(option)}
            </option>`,
        )}
      </select>`,
    );
  }

  switch (type) {
    case 'boolean': {
      const current = text(value);
      return field(
        path,
        schema,
        host,
        html`<select
          id=${id(path)}
          .value=${current}
          @change=${(event: Event) => {
            const chosen = (event.target as HTMLSelectElement).value;
            host.set(path, chosen === '' ? undefined : chosen === 'true');
          }}
        >
          <option value="">${placeholder ? `default (${placeholder})` : '(not set)'}</option>
          <option value="true" ?selected=${current === 'true'}>true</option>
          <option value="false" ?selected=${current === 'false'}>false</option>
        </select>`,
      );
    }
    case 'string': {
      const secret = host.sensitive(path);
      const redacted = host.isRedacted(value);
      const shown = redacted ? '' : text(value);
      return field(
        path,
        schema,
        host,
        html`<input
            id=${id(path)}
            type=${secret ? 'password' : 'text'}
            autocomplete=${secret ? 'new-password' : 'off'}
            placeholder=${redacted ? 'set (type to replace)' : placeholder}
            .value=${shown}
            @input=${(event: Event) => {
              const typed = (event.target as HTMLInputElement).value;
              // An emptied secret field keeps the secret; "Remove" (below) deletes it.
              if (typed === '' && secret && redacted) return;
              host.set(path, typed === '' ? undefined : typed);
            }}
          />
          ${
            secret && redacted
              ? html`<button type="button" class="danger" @click=${() => host.set(path, undefined)}>
                  Remove
                </button>`
              : nothing
          }`,
      );
    }
    case 'number':
    case 'integer':
      return field(
        path,
        schema,
        host,
        html`<input
          id=${id(path)}
          type="number"
          step=${type === 'integer' ? '1' : 'any'}
          min=${schema.minimum ?? nothing}
          max=${schema.maximum ?? nothing}
          placeholder=${placeholder}
          .value=${text(value)}
          @input=${(event: Event) => {
            const typed = (event.target as HTMLInputElement).value;
            host.set(path, typed === '' ? undefined : Number(typed));
          }}
        />`,
      );
    case 'array':
      if (isPrimitiveArray(schema)) {
        const numeric = typeOf(schema.items!) !== 'string';
        const lines = Array.isArray(value) ? value.map(text).join('\n') : '';
        return field(
          path,
          schema,
          host,
          html`<textarea
            id=${id(path)}
            class="list"
            rows="3"
            placeholder=${placeholder && placeholder !== '[]' ? placeholder : 'one per line'}
            .value=${lines}
            @input=${(event: Event) => {
              const items = (event.target as HTMLTextAreaElement).value
                .split('\n')
                .map((line) => line.trim())
                .filter((line) => line !== '');
              host.set(path, items.length === 0 ? undefined : numeric ? items.map(Number) : items);
            }}
          ></textarea>`,
        );
      }
      return jsonField(path, schema, host);
    case undefined:
    default:
      return jsonField(path, schema, host);
  }
}
