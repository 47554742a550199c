// What every bench starts: a Temporal dev server with the embedded runtime's settings, and
// a state dir configured for the scripted LLM.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTemporalBinary } from '../cli/runtime/temporal-binary.js';
import { startDevServer, type DevServerHandle } from '../cli/runtime/temporal-dev-server.js';
import { loadConfig } from '../core/config/load.js';
import type { Config } from '../core/config/schema.js';
import type { Logger } from '../core/logger.js';
import { freePort } from '../core/net.js';
import { statePaths, type StatePaths } from '../core/paths.js';
import type { FakeLlmServer } from '../test/fakes/llm-server.js';

/** A headless dev server on free ports, its database in `dir`. */
export async function startBenchTemporal(dir: string, logger: Logger): Promise<DevServerHandle> {
  return startDevServer({
    binary: requireTemporalBinary(),
    host: '127.0.0.1',
    port: await freePort(),
    uiPort: await freePort(),
    headless: true,
    namespace: 'default',
    dbFile: join(dir, 'temporal', 'temporal.db'),
    logger,
  });
}

/** A fresh state dir whose config points the OpenAI provider at the scripted LLM. */
export function benchStateDir(
  name: string,
  llm: FakeLlmServer,
): { dir: string; paths: StatePaths; config: Config } {
  const dir = mkdtempSync(join(tmpdir(), `clawdbot-bench-${name}-`));
  writeFileSync(
    join(dir, 'clawdbot.json'),
    JSON.stringify({
      agent: { model: 'openai/fake-model' },
      providers: { openai: { apiKey: 'bench', baseUrl: llm.openaiBaseUrl } },
    }),
  );
  const paths = statePaths(dir);
  mkdirSync(paths.workspaceDir, { recursive: true });
  return { dir, paths, config: loadConfig(paths.configFile, {}).config };
}
