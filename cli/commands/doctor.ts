import { ClawdbotError } from '../../core/errors.js';
import { PostgresSessionStore } from '../../core/sessions/index.js';
import { isPortOpen } from '../../core/net.js';
import { findBubblewrap, sandboxProblem } from '../../core/security/sandbox.js';
import { commandContext, type RuntimeFlags } from '../context.js';
import { findTemporalBinary, temporalVersion } from '../runtime/temporal-binary.js';
import { isTemporalServer } from '../runtime/temporal-dev-server.js';

interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
  /** A warning does not fail the doctor run. */
  warning?: boolean;
}

function nodeCheck(): Check {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const ok = major > 20 || (major === 20 && minor >= 3);
  return {
    name: 'Node.js',
    ok,
    detail: `v${process.versions.node}`,
    fix: 'Install Node.js 20.3 or newer.',
  };
}

async function portCheck(
  label: string,
  host: string,
  port: number,
  acceptTemporal: boolean,
): Promise<Check> {
  if (!(await isPortOpen(host, port)))
    return { name: label, ok: true, detail: `${host}:${port} is free` };
  if (acceptTemporal && (await isTemporalServer(`${host}:${port}`))) {
    return {
      name: label,
      ok: true,
      detail: `${host}:${port} is a running Temporal server (it will be reused)`,
    };
  }
  return {
    name: label,
    ok: false,
    detail: `${host}:${port} is in use`,
    fix: `Stop what listens on ${port}, or choose another port in clawdbot.json.`,
  };
}

async function storeCheck(url: string): Promise<Check> {
  const store = new PostgresSessionStore(url, { maxConnections: 1 });
  try {
    await store.ready();
    return { name: 'Sessions store', ok: true, detail: `${store.location} answers` };
  } catch (error) {
    return {
      name: 'Sessions store',
      ok: false,
      detail: (error as Error).message,
      fix: 'Start PostgreSQL, create the database, or correct store.postgresUrl / CLAWDBOT_POSTGRES_URL.',
    };
  } finally {
    await store.close();
  }
}

/** `clawdbot doctor`: check the machine and the config, print what to fix; exit 1 if anything fails. */
export async function runDoctor(flags: RuntimeFlags): Promise<number> {
  const checks: Check[] = [nodeCheck()];
  let context;
  try {
    context = commandContext(flags);
    checks.push({
      name: 'Config',
      ok: true,
      detail: context.loaded.exists
        ? context.loaded.path
        : `${context.loaded.path} (absent: defaults)`,
    });
  } catch (error) {
    const message =
      error instanceof ClawdbotError || error instanceof Error ? error.message : String(error);
    checks.push({
      name: 'Config',
      ok: false,
      detail: message,
      fix: 'Correct the fields named above.',
    });
  }
  if (context) {
    const { config } = context;
    if (config.temporal.address === undefined) {
      const binary = findTemporalBinary();
      checks.push(
        binary
          ? { name: 'Temporal CLI', ok: true, detail: `${binary} (${temporalVersion(binary)})` }
          : {
              name: 'Temporal CLI',
              ok: false,
              detail: 'not found',
              fix: 'Run scripts/install-temporal (needs Go), or set temporal.address.',
            },
      );
      checks.push(await portCheck('Temporal port', '127.0.0.1', config.temporal.dev.port, true));
      if (!config.temporal.dev.headless)
        checks.push(
          await portCheck('Temporal UI port', '127.0.0.1', config.temporal.dev.uiPort, false),
        );
    } else {
      const reachable = await isTemporalServer(config.temporal.address);
      checks.push({
        name: 'Temporal server',
        ok: reachable,
        detail: `${config.temporal.address} ${reachable ? 'answers' : 'does not answer'}`,
        fix: 'Start the Temporal server or correct temporal.address.',
      });
    }
    checks.push(await portCheck('Gateway port', config.gateway.bind, config.gateway.port, false));
    if (config.store.postgresUrl !== undefined)
      checks.push(await storeCheck(config.store.postgresUrl));
    if (config.sandbox.mode !== 'off') {
      const problem = sandboxProblem(config.sandbox);
      checks.push({
        name: 'Sandbox (bubblewrap)',
        // Not a failure: without it sessions that are not the owner's have no shell at all.
        ok: true,
        warning: problem !== undefined,
        detail: problem ?? `${findBubblewrap(config.sandbox.bubblewrapPath)}`,
        fix: 'Install it (Debian/Ubuntu: sudo apt-get install bubblewrap), or set sandbox.bubblewrapPath.',
      });
    }
    for (const model of [config.agent.model, ...config.agent.fallbacks]) {
      const provider = model.split('/')[0] as 'anthropic' | 'openai';
      // A plugin's provider (ollama/...) brings its own endpoint and needs no key here.
      if (provider !== 'anthropic' && provider !== 'openai') continue;
      const settings = config.providers[provider];
      const local = provider === 'openai' && settings.baseUrl !== undefined;
      const variable = provider === 'anthropic' ? 'ANTHROPIC_API_KEY' : 'OPENAI_API_KEY';
      checks.push({
        name: `Credentials for ${model}`,
        ok: settings.apiKey !== undefined || local,
        warning: settings.apiKey === undefined && local,
        detail:
          settings.apiKey !== undefined
            ? 'API key set'
            : local
              ? `no key; using ${settings.baseUrl}`
              : 'no API key',
        fix: `Set ${variable}, or providers.${provider}.apiKey in clawdbot.json.`,
      });
    }
  }
  for (const check of checks) {
    const mark = check.ok ? (check.warning ? '!' : '✓') : '✗';
    console.log(`${mark} ${check.name}: ${check.detail}`);
    if (!check.ok && check.fix) console.log(`    fix: ${check.fix}`);
  }
  const failed = checks.filter((check) => !check.ok).length;
  console.log(failed === 0 ? '\nAll checks passed.' : `\n${failed} check(s) failed.`);
  return failed === 0 ? 0 : 1;
}
