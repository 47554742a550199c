// Skills: every skill the gateway's host sees (skills.status), eligible or the exact
// requirement it misses, with enable/disable and its API key (skills.update). The entries
// as written come from config.get, secrets redacted: a key shows as "set", never its value.
import { css, html, nothing } from 'lit';
import type { GatewayRpc } from '../contract.js';
import { GatewayView } from '../lib/gateway-view.js';
import { viewStyles } from '../lib/view-styles.js';

type Eligibility =
  | { eligible: true; always: boolean }
  | { eligible: false; code: string; reason: string; missing: string[] };

/** One skill as skills.status reports it. */
interface SkillStatus {
  name: string;
  key: string;
  description: string;
  source: string;
  emoji?: string;
  homepage?: string;
  eligibility: Eligibility;
  install: { id: string; label: string; command?: string[]; note?: string }[];
}

/** `skills.entries.<key>` as config.get gives it (apiKey redacted). */
interface SkillEntry {
  enabled?: boolean;
  apiKey?: string;
}

/** `cb-skills-view`. */
export class SkillsView extends GatewayView {
  static override properties = {
    skills: { state: true },
    entries: { state: true },
    problems: { state: true },
    keys: { state: true },
    filter: { state: true },
  };
  static override styles = [
    viewStyles,
    css`
      .skill-name {
        font-weight: 600;
      }
      .key-form {
        display: flex;
        gap: 6px;
        flex-wrap: wrap;
      }
      .key-form input {
        width: 14em;
      }
      .install {
        font-size: 12px;
      }
    `,
  ];

  declare skills: SkillStatus[];
  declare entries: Record<string, SkillEntry>;
  declare problems: { file: string; message: string }[];
  /** Keys typed but not saved yet, by skill key. */
  declare keys: Record<string, string>;
  declare filter: 'all' | 'eligible' | 'blocked';

  constructor() {
    super();
    this.skills = [];
    this.entries = {};
    this.problems = [];
    this.keys = {};
    this.filter = 'all';
  }

  protected override async load(rpc: GatewayRpc): Promise<void> {
    const [status, config] = await Promise.all([
      rpc.request<{ skills: SkillStatus[]; problems: { file: string; message: string }[] }>(
        'skills.status',
        {},
      ),
      rpc.request<{ parsed: { skills?: { entries?: Record<string, SkillEntry> } } }>(
        'config.get',
        {},
      ),
    ]);
    this.skills = status.skills;
    this.problems = status.problems;
    this.entries = config.parsed.skills?.entries ?? {};
  }

  async #update(skill: SkillStatus, change: Record<string, unknown>, done: string): Promise<void> {
    const ok = await this.act(`Updating ${skill.name}`, () =>
      this.ctx!.rpc.request('skills.update', { skillKey: skill.key, ...change }),
    );
    if (!ok) return;
    this.ctx!.notify(done);
    const { [skill.key]: _typed, ...rest } = this.keys;
    this.keys = rest;
    await this.refresh();
  }

  override render() {
    const shown = this.skills.filter((skill) =>
      this.filter === 'all' ? true : skill.eligibility.eligible === (this.filter === 'eligible'),
    );
    return html`
      <div class="toolbar">
        <h2>Skills</h2>
        <span class="spacer"></span>
        <select
          aria-label="Show"
          .value=${this.filter}
          @change=${(event: Event) =>
            (this.filter = (event.target as HTMLSelectElement).value as SkillsView['filter'])}
        >
          <option value="all">All skills</option>
          <option value="eligible">Eligible</option>
          <option value="blocked">Not eligible</option>
        </select>
        <button @click=${() => void this.refresh()} ?disabled=${this.loading}>Refresh</button>
      </div>
      ${this.loadError ? html`<div class="load-error" role="alert">${this.loadError}</div>` : nothing}
      ${!this.loaded && !this.loadError ? html`<div class="empty">Loading…</div>` : nothing}
      ${this.loaded && shown.length === 0 ? html`<div class="empty">No skills.</div>` : nothing}
      ${
        shown.length > 0
          ? html`<table class="cards skills">
              <thead>
                <tr>
                  <th>Skill</th>
                  <th>Source</th>
                  <th>Status</th>
                  <th>Enabled</th>
                  <th>API key</th>
                </tr>
              </thead>
              <tbody>
                ${shown.map((skill) => this.#renderSkill(skill))}
              </tbody>
            </table>`
          : nothing
      }
      ${
        this.problems.length > 0
          ? html`<h3>Skills that did not load</h3>
              <ul>
                ${this.problems.map(
                  (problem) =>
                    html`<li>
                      <code>${problem.file}</code>:
                      <span class="error-text">${problem.message}</span>
                    </li>`,
                )}
              </ul>`
          : nothing
      }
    `;
  }

  #renderSkill(skill: SkillStatus) {
    const entry = this.entries[skill.key] ?? {};
    const enabled = entry.enabled !== false;
    const eligibility = skill.eligibility;
    const typed = this.keys[skill.key] ?? '';
    return html`<tr data-skill=${skill.name} data-eligible=${String(eligibility.eligible)}>
      <td data-label="Skill" class="wrap">
        <span class="skill-name">${skill.emoji ? `${skill.emoji} ` : ''}${skill.name}</span>
        <div class="muted">${skill.description}</div>
      </td>
      <td data-label="Source">${skill.source}</td>
      <td data-label="Status" class="wrap eligibility">
        ${
          eligibility.eligible
            ? html`<span class="badge ok">eligible</span>`
            : html`<span class="badge ${eligibility.code === 'disabled' ? '' : 'warn'}"
                  >${eligibility.code}</span
                >
                <div class="reason">${eligibility.reason}</div>
                ${
                  skill.install.length > 0
                    ? html`<div class="install muted">
                        ${skill.install.map(
                          (plan) =>
                            html`<div>
                              ${plan.label}${
                                plan.command
                                  ? html`: <code>${plan.command.join(' ')}</code>`
                                  : nothing
                              }${plan.note ? ` (${plan.note})` : ''}
                            </div>`,
                        )}
                      </div>`
                    : nothing
                }`
        }
      </td>
      <td data-label="Enabled">
        <label>
          <input
            type="checkbox"
            class="enabled"
            .checked=${enabled}
            @change=${(event: Event) => {
              const checked = (event.target as HTMLInputElement).checked;
              void this.#update(
                skill,
                { enabled: checked },
                `${skill.name} ${checked ? 'enabled' : 'disabled'}.`,
              );
            }}
          />
          ${enabled ? 'on' : 'off'}
        </label>
      </td>
      <td data-label="API key">
        <form
          class="key-form"
          @submit=${(event: Event) => {
            event.preventDefault();
            if (typed !== '')
              void this.#update(skill, { apiKey: typed }, `Key of ${skill.name} saved.`);
          }}
        >
          <input
            type="password"
            autocomplete="off"
            aria-label="API key of ${skill.name}"
            placeholder=${entry.apiKey !== undefined ? 'set (type to replace)' : 'not set'}
            .value=${typed}
            @input=${(event: Event) =>
              (this.keys = { ...this.keys, [skill.key]: (event.target as HTMLInputElement).value })}
          />
          <button type="submit" ?disabled=${typed === ''}>Save key</button>
          ${
            entry.apiKey !== undefined
              ? html`<button
                  type="button"
                  class="danger"
                  @click=${() =>
                    void this.#update(skill, { apiKey: null }, `Key of ${skill.name} removed.`)}
                >
                  Remove key
                </button>`
              : nothing
          }
        </form>
      </td>
    </tr>`;
  }
}

customElements.define('cb-skills-view', SkillsView);
