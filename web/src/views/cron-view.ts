// Cron: the running jobs with their next fire time (cron.list, cron.runs), one job's run
// history, and add / edit / remove / run now. A job is a durable workflow with no update
// method, so "edit" starts the changed job and then stops the old one (its id changes).
import { css, html, nothing } from 'lit';
import type { GatewayRpc } from '../contract.js';
import { duration, localTime, relativeTime } from '../lib/format.js';
import { GatewayView } from '../lib/gateway-view.js';
import { viewStyles } from '../lib/view-styles.js';
import {
  cronAddParams,
  describeSchedule,
  emptyDraft,
  type CronDraft,
  type CronJob,
} from '../lib/cron-draft.js';

/** One entry of cron.runs. */
interface CronRunEntry {
  ts: number;
  status: 'ok' | 'error' | 'skipped';
  runAtMs: number;
  trigger?: string;
  durationMs?: number;
  error?: string;
  summary?: string;
  missed?: number;
  sessionKey?: string;
}

interface RunsAnswer {
  entries: CronRunEntry[];
  nextRunAtMs?: number;
  runningAtMs?: number;
}

/** `cb-cron-view`. */
export class CronView extends GatewayView {
  static override properties = {
    jobs: { state: true },
    next: { state: true },
    selected: { state: true },
    runs: { state: true },
    draft: { state: true },
    editing: { state: true },
    formError: { state: true },
    busy: { state: true },
  };
  static override styles = [
    viewStyles,
    css`
      form {
        display: grid;
        grid-template-columns: max-content 1fr;
        gap: 8px 12px;
        align-items: center;
        max-width: 720px;
        padding: 12px;
        border: 1px solid var(--cb-border);
        border-radius: 6px;
        margin-bottom: 16px;
      }
      form .full {
        grid-column: 1 / -1;
      }
      form textarea {
        width: 100%;
        min-height: 60px;
      }
      form input[type='text'] {
        width: 100%;
      }
      tr.selected {
        background: var(--cb-code-bg);
      }
      .actions {
        display: flex;
        gap: 6px;
        flex-wrap: wrap;
      }
      @media (max-width: 640px) {
        form {
          grid-template-columns: 1fr;
        }
      }
    `,
  ];

  declare jobs: CronJob[];
  /** Job id -> next fire time (from cron.runs). */
  declare next: ReadonlyMap<string, RunsAnswer>;
  declare selected: string | undefined;
  declare runs: CronRunEntry[] | undefined;
  /** The add/edit form's content; undefined while the form is closed. */
  declare draft: CronDraft | undefined;
  /** The job the form edits (undefined: a new job). */
  declare editing: string | undefined;
  declare formError: string | undefined;
  declare busy: boolean;

  protected override pollMs = 10_000;

  constructor() {
    super();
    this.jobs = [];
    this.next = new Map();
    this.selected = undefined;
    this.runs = undefined;
    this.draft = undefined;
    this.editing = undefined;
    this.formError = undefined;
    this.busy = false;
  }

  protected override async load(rpc: GatewayRpc): Promise<void> {
    const { jobs } = await rpc.request<{ jobs: CronJob[] }>('cron.list', {});
    // Each job's next fire time lives in its workflow's state: one query per job.
    const answers = await Promise.all(
      jobs.map((job) =>
        rpc
          .request<RunsAnswer>('cron.runs', { id: job.id, limit: 20 })
          .then((answer) => [job.id, answer] as const)
          .catch(() => undefined),
      ),
    );
    this.jobs = jobs;
    this.next = new Map(answers.filter((entry) => entry !== undefined));
    if (this.selected !== undefined) this.runs = this.next.get(this.selected)?.entries;
  }

  #select(job: CronJob): void {
    this.selected = this.selected === job.id ? undefined : job.id;
    this.runs = this.selected === undefined ? undefined : this.next.get(job.id)?.entries;
  }

  #openForm(job?: CronJob): void {
    this.draft = job === undefined ? emptyDraft() : emptyDraft(job);
    this.editing = job?.id;
    this.formError = undefined;
  }

  async #save(event: Event): Promise<void> {
    event.preventDefault();
    const draft = this.draft;
    if (draft === undefined) return;
    let params: Record<string, unknown>;
    try {
      params = cronAddParams(draft);
    } catch (error) {
      this.formError = (error as Error).message;
      return;
    }
    this.busy = true;
    const replacing = this.editing;
    const ok = await this.act(replacing ? 'Saving the job' : 'Adding the job', async () => {
      const job = await this.ctx!.rpc.request<CronJob>('cron.add', params);
      // The new job runs before the old one stops: a failed add leaves the old job alone.
      if (replacing !== undefined) await this.ctx!.rpc.request('cron.remove', { id: replacing });
      this.ctx!.notify(`Cron job "${job.name ?? job.id}" ${replacing ? 'saved' : 'added'}.`);
      this.selected = job.id;
    });
    this.busy = false;
    if (ok) {
      this.draft = undefined;
      this.editing = undefined;
      await this.refresh();
    }
  }

  async #remove(job: CronJob): Promise<void> {
    if (!confirm(`Remove the cron job "${job.name ?? job.id}"?`)) return;
    const ok = await this.act('Removing the job', () =>
      this.ctx!.rpc.request('cron.remove', { id: job.id }),
    );
    if (ok) {
      if (this.selected === job.id) this.selected = undefined;
      await this.refresh();
    }
  }

  async #runNow(job: CronJob): Promise<void> {
    const ok = await this.act('Running the job', () =>
      this.ctx!.rpc.request('cron.run', { id: job.id }),
    );
    if (ok) {
      this.ctx!.notify(`"${job.name ?? job.id}" is running now.`);
      this.selected = job.id;
      await this.refresh();
    }
  }

  #set<K extends keyof CronDraft>(key: K, value: CronDraft[K]): void {
    if (this.draft !== undefined) this.draft = { ...this.draft, [key]: value };
    this.formError = undefined;
  }

  override render() {
    return html`
      <div class="toolbar">
        <h2>Cron</h2>
        <span class="spacer"></span>
        <button class="primary add-job" @click=${() => this.#openForm()}>Add job</button>
        <button @click=${() => void this.refresh()} ?disabled=${this.loading}>Refresh</button>
      </div>
      ${this.draft ? this.#renderForm(this.draft) : nothing}
      ${this.loadError ? html`<div class="load-error" role="alert">${this.loadError}</div>` : nothing}
      ${!this.loaded && !this.loadError ? html`<div class="empty">Loading…</div>` : nothing}
      ${this.loaded ? this.#renderJobs() : nothing} ${this.#renderRuns()}
    `;
  }

  #renderJobs() {
    if (this.jobs.length === 0) return html`<div class="empty">No cron jobs yet.</div>`;
    return html`<table class="cards jobs">
      <thead>
        <tr>
          <th>Job</th>
          <th>Schedule</th>
          <th>Next fire</th>
          <th>Session</th>
          <th>Message</th>
          <th></th>
        </tr>
      </thead>
      <tbody>
        ${this.jobs.map((job) => {
          const state = this.next.get(job.id);
          return html`<tr
            data-job=${job.id}
            class=${this.selected === job.id ? 'selected' : ''}
            @click=${() => this.#select(job)}
          >
            <td data-label="Job">
              <strong class="job-name">${job.name ?? job.id}</strong>
              <div class="muted mono">${job.id}</div>
            </td>
            <td data-label="Schedule" class="schedule">${describeSchedule(job.schedule)}</td>
            <td data-label="Next fire" class="next-fire">
              ${
                state?.runningAtMs !== undefined
                  ? html`<span class="badge warn">running</span>`
                  : state?.nextRunAtMs !== undefined
                    ? html`<span title=${localTime(state.nextRunAtMs)}
                        >${relativeTime(state.nextRunAtMs)}</span
                      >`
                    : html`<span class="muted">none</span>`
              }
            </td>
            <td data-label="Session" class="wrap">
              ${
                job.sessionTarget === 'isolated'
                  ? html`isolated${job.sessionKey ? html` → ${job.sessionKey}` : nothing}`
                  : (job.sessionKey ?? 'main')
              }
            </td>
            <td data-label="Message" class="wrap">${job.payload.message}</td>
            <td @click=${(event: Event) => event.stopPropagation()}>
              <div class="actions">
                <button @click=${() => void this.#runNow(job)}>Run now</button>
                <button @click=${() => this.#openForm(job)}>Edit</button>
                <button class="danger" @click=${() => void this.#remove(job)}>Remove</button>
              </div>
            </td>
          </tr>`;
        })}
      </tbody>
    </table>`;
  }

  #renderRuns() {
    if (this.selected === undefined) return nothing;
    const job = this.jobs.find((candidate) => candidate.id === this.selected);
    const runs = this.runs ?? [];
    return html`<section class="runs">
      <h3>Runs of ${job?.name ?? this.selected}</h3>
      ${
        runs.length === 0
          ? html`<div class="empty">No runs yet.</div>`
          : html`<table class="cards">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Trigger</th>
                  <th>Status</th>
                  <th>Took</th>
                  <th>Result</th>
                </tr>
              </thead>
              <tbody>
                ${runs.map(
                  (run) =>
                    html`<tr class="run" data-status=${run.status}>
                      <td data-label="When">
                        <span title=${localTime(run.runAtMs)}>${relativeTime(run.runAtMs)}</span>
                      </td>
                      <td data-label="Trigger">
                        ${run.trigger ?? ''}${run.missed ? ` (${run.missed} missed)` : ''}
                      </td>
                      <td data-label="Status">
                        <span
                          class="badge ${run.status === 'ok' ? 'ok' : run.status === 'error' ? 'bad' : ''}"
                          >${run.status}</span
                        >
                      </td>
                      <td data-label="Took">
                        ${run.durationMs !== undefined ? duration(run.durationMs) : ''}
                      </td>
                      <td data-label="Result" class="wrap">
                        ${
                          run.error
                            ? html`<span class="error-text">${run.error}</span>`
                            : (run.summary ?? '')
                        }
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    </section>`;
  }

  #renderForm(draft: CronDraft) {
    const value = (event: Event) => (event.target as HTMLInputElement).value;
    return html`<form class="job-form" @submit=${(event: Event) => void this.#save(event)}>
      <strong class="full">${this.editing ? 'Edit cron job' : 'New cron job'}</strong>
      <label for="cron-name">Name</label>
      <input
        id="cron-name"
        type="text"
        .value=${draft.name}
        @input=${(event: Event) => this.#set('name', value(event))}
      />
      <label for="cron-kind">Schedule</label>
      <select
        id="cron-kind"
        .value=${draft.kind}
        @change=${(event: Event) => this.#set('kind', value(event) as CronDraft['kind'])}
      >
        <option value="cron">Cron expression</option>
        <option value="every">Every (interval)</option>
        <option value="at">Once, at a time</option>
      </select>
      ${
        draft.kind === 'cron'
          ? html`<label for="cron-expr">Expression</label>
              <input
                id="cron-expr"
                type="text"
                placeholder="0 9 * * 1-5"
                .value=${draft.expr}
                @input=${(event: Event) => this.#set('expr', value(event))}
              />
              <label for="cron-tz">Time zone</label>
              <input
                id="cron-tz"
                type="text"
                placeholder="the gateway's"
                .value=${draft.tz}
                @input=${(event: Event) => this.#set('tz', value(event))}
              />`
          : draft.kind === 'every'
            ? html`<label for="cron-every">Every (minutes)</label>
                <input
                  id="cron-every"
                  type="number"
                  min="0.02"
                  step="any"
                  .value=${draft.everyMinutes}
                  @input=${(event: Event) => this.#set('everyMinutes', value(event))}
                />`
            : html`<label for="cron-at">At</label>
                <input
                  id="cron-at"
                  type="datetime-local"
                  .value=${draft.at}
                  @input=${(event: Event) => this.#set('at', value(event))}
                />`
      }
      <label for="cron-target">Runs in</label>
      <select
        id="cron-target"
        .value=${draft.sessionTarget}
        @change=${(event: Event) =>
          this.#set('sessionTarget', value(event) as CronDraft['sessionTarget'])}
      >
        <option value="main">a session (the reply is delivered there)</option>
        <option value="isolated">its own session each time</option>
      </select>
      <label for="cron-session"
        >${draft.sessionTarget === 'main' ? 'Session key' : 'Deliver result to'}</label
      >
      <input
        id="cron-session"
        type="text"
        placeholder=${draft.sessionTarget === 'main' ? 'main' : 'nowhere'}
        .value=${draft.sessionKey}
        @input=${(event: Event) => this.#set('sessionKey', value(event))}
      />
      <label for="cron-message" class="full">Message to the agent</label>
      <textarea
        id="cron-message"
        class="full"
        .value=${draft.message}
        @input=${(event: Event) => this.#set('message', value(event))}
      ></textarea>
      ${
        this.formError
          ? html`<div class="full error-text form-error" role="alert">${this.formError}</div>`
          : nothing
      }
      <div class="full actions">
        <button type="submit" class="primary" ?disabled=${this.busy}>
          ${this.editing ? 'Save' : 'Add'}
        </button>
        <button
          type="button"
          @click=${() => {
            this.draft = undefined;
            this.editing = undefined;
          }}
        >
          Cancel
        </button>
      </div>
    </form>`;
  }
}

customElements.define('cb-cron-view', CronView);
