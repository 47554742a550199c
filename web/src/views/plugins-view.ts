// Plugins: what plugins.list reports — each plugin found, whether it loaded (or why not),
// and what it registered; plus the plugin folders that could not be read and the ones a
// plugin of the same id shadows.
import { html, nothing } from 'lit';
import type { GatewayRpc } from '../contract.js';
import { GatewayView } from '../lib/gateway-view.js';
import { viewStyles } from '../lib/view-styles.js';

interface Registered {
  channels: string[];
  tools: string[];
  gatewayMethods: string[];
  httpRoutes: string[];
  cliCommands: number;
  services: string[];
  hooks: string[];
}

/** One plugin as plugins.list reports it. */
interface PluginRow {
  id: string;
  name: string;
  version?: string;
  kind?: string;
  description?: string;
  origin: string;
  rootDir: string;
  enabled: boolean;
  enableReason: string;
  status: 'loaded' | 'disabled' | 'error' | 'enabled';
  error?: string;
  registered: Registered;
}

interface PluginsAnswer {
  plugins: PluginRow[];
  problems: { rootDir: string; origin: string; id?: string; stage: string; reason: string }[];
  shadowed: { id: string; origin: string; rootDir: string; shadowedBy: { origin: string } }[];
}

const tone = { loaded: 'ok', enabled: 'ok', disabled: '', error: 'bad' } as const;

function registrations(registered: Registered): string[] {
  const parts: string[] = [];
  const list = (label: string, names: string[]) => {
    if (names.length > 0) parts.push(`${label}: ${names.join(', ')}`);
  };
  list('channels', registered.channels);
  list('tools', registered.tools);
  list('methods', registered.gatewayMethods);
  list('routes', registered.httpRoutes);
  list('services', registered.services);
  list('hooks', registered.hooks);
  if (registered.cliCommands > 0) parts.push(`CLI commands: ${registered.cliCommands}`);
  return parts;
}

/** `cb-plugins-view`. */
export class PluginsView extends GatewayView {
  static override properties = { answer: { state: true } };
  static override styles = [viewStyles];

  declare answer: PluginsAnswer | undefined;

  constructor() {
    super();
    this.answer = undefined;
  }

  protected override async load(rpc: GatewayRpc): Promise<void> {
    this.answer = await rpc.request<PluginsAnswer>('plugins.list', {});
  }

  override render() {
    const answer = this.answer;
    return html`
      <div class="toolbar">
        <h2>Plugins</h2>
        <span class="spacer"></span>
        <button @click=${() => void this.refresh()} ?disabled=${this.loading}>Refresh</button>
      </div>
      ${this.loadError ? html`<div class="load-error" role="alert">${this.loadError}</div>` : nothing}
      ${!this.loaded && !this.loadError ? html`<div class="empty">Loading…</div>` : nothing}
      ${
        answer && answer.plugins.length === 0
          ? html`<div class="empty">No plugins found.</div>`
          : nothing
      }
      ${
        answer && answer.plugins.length > 0
          ? html`<table class="cards plugins">
              <thead>
                <tr>
                  <th>Plugin</th>
                  <th>Origin</th>
                  <th>Status</th>
                  <th>Registered</th>
                </tr>
              </thead>
              <tbody>
                ${answer.plugins.map(
                  (plugin) =>
                    html`<tr data-plugin=${plugin.id} data-status=${plugin.status}>
                      <td data-label="Plugin" class="wrap">
                        <strong>${plugin.name}</strong>
                        <span class="muted"
                          >${plugin.id}${plugin.version ? ` ${plugin.version}` : ''}</span
                        >
                        ${plugin.description ? html`<div class="muted">${plugin.description}</div>` : nothing}
                      </td>
                      <td data-label="Origin">
                        ${plugin.origin}${plugin.kind ? ` · ${plugin.kind}` : ''}
                      </td>
                      <td data-label="Status" class="wrap">
                        <span class="badge ${tone[plugin.status]}">${plugin.status}</span>
                        <div class="muted">${plugin.enableReason}</div>
                        ${plugin.error ? html`<div class="error-text">${plugin.error}</div>` : nothing}
                      </td>
                      <td data-label="Registered" class="wrap">
                        ${registrations(plugin.registered).map((line) => html`<div>${line}</div>`)}
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>`
          : nothing
      }
      ${
        answer && answer.problems.length > 0
          ? html`<h3>Could not load</h3>
              <ul class="problems">
                ${answer.problems.map(
                  (problem) =>
                    html`<li class="wrap">
                      <code>${problem.id ?? problem.rootDir}</code> (${problem.origin},
                      ${problem.stage}): <span class="error-text">${problem.reason}</span>
                    </li>`,
                )}
              </ul>`
          : nothing
      }
      ${
        answer && answer.shadowed.length > 0
          ? html`<h3>Shadowed</h3>
              <ul>
                ${answer.shadowed.map(
                  (entry) =>
                    html`<li class="wrap">
                      ${entry.id} (${entry.origin}, ${entry.rootDir}) is shadowed by the
                      ${entry.shadowedBy.origin} plugin of the same id
                    </li>`,
                )}
              </ul>`
          : nothing
      }
    `;
  }
}

customElements.define('cb-plugins-view', PluginsView);
