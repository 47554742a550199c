import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { createTemporalAgentService } from '../core/agent/temporal-agent-service.js';
import { placementOf } from '../core/cluster/placement.js';
import type { Config } from '../core/config/schema.js';
import {
  collectSecrets,
  createRedactor,
  redactingBus,
  redactingLogger,
  redactingStore,
} from '../core/security/redact.js';
import type { EventBus } from '../core/events/types.js';
import type { Logger } from '../core/logger.js';
import type { StatePaths } from '../core/paths.js';
import type { SessionStore } from '../core/sessions/index.js';
import type { PluginRegistry } from '../core/plugins/registry.js';
import type { ToolInput, ToolOutput } from '../workflows/types.js';
import { createSkillCatalog } from '../core/skills/catalog.js';
import { createLiveConfig } from '../core/skills/live-config.js';
import { bundledSkillsDir } from '../core/skills/loader.js';
import { createCompactionActivities } from './compaction-activity.js';
import { ContextPlanner } from './context-planner.js';
import { createCronActivities } from './cron.js';
import { createLlmActivity } from './llm-activity.js';
import { modelProvidersOf } from '../core/plugins/providers.js';
import { createPromptParts } from './prompt-parts.js';
import { createMemoryActivities } from './memory-activities.js';
import { createMemoryService, type MemoryService } from './memory/service.js';
import { createMessagePlanActivity } from './message-plan.js';
import { createPluginHookActivities } from './plugin-hooks.js';
import { tools as builtInTools } from './tools/index.js';
import { createSessionActivities } from './sessions.js';
import { createSkillActivities } from './skills.js';
import { createToolActivities } from './tool-activities.js';
import { createTurnActivities } from './turn.js';

/** What activities need from the process that hosts them. */
export interface ActivityDeps {
  config: Config;
  paths: StatePaths;
  logger: Logger;
  store: SessionStore;
  bus: EventBus;
  /** The Temporal client, for activities that reach other sessions (sessions_send, deliveries). */
  client?: Client;
  /** The workspace's long-term memory (default: one opened on <stateDir>/memory). */
  memory?: MemoryService;
  /** The config as hot reload keeps it; activities that honour edits read it per call. */
  liveConfig?: () => Config;
  /** The plugins this worker loaded: their tools become `tool.<name>` activities, their hooks run. */
  plugins?: PluginRegistry;
}

/** All activities, bound to their dependencies (the worker registers this object). */
export function createActivities(unredacted: ActivityDeps) {
  // Whatever activities write or publish passes the redaction pass: no configured secret
  // (nor a secret-named environment variable) reaches a transcript, an event or a log.
  const redactor = createRedactor(collectSecrets(unredacted.config));
  const deps: ActivityDeps = {
    ...unredacted,
    store: redactingStore(unredacted.store, redactor),
    bus: redactingBus(unredacted.bus, redactor),
    logger: redactingLogger(unredacted.logger, redactor),
  };
  const agent = deps.client
    ? createTemporalAgentService({
        client: deps.client,
        config: () => deps.config,
        store: deps.store,
      })
    : undefined;
  const placement = placementOf(deps.config);
  const config = deps.liveConfig ?? (() => deps.config);
  // Plugin tools are activities like the built-in ones, offered after them.
  const tools = [...builtInTools, ...(deps.plugins?.tools ?? []).map((each) => each.tool)];
  const plugins = deps.plugins;
  // `<plugin provider>/<model>` refs (ollama/llama3.2) resolve through these.
  const modelProviders = modelProvidersOf(plugins);
  const pluginLogger = deps.logger.child('plugins');
  const turn = createTurnActivities({
    ...deps,
    config,
    placement,
    tools,
    ...(plugins ? { plugins, logger: pluginLogger } : {}),
  });
  // This host's skills, checked against its PATH, environment and (live) config.
  const skills = createSkillCatalog({
    config: createLiveConfig(deps.paths.configFile, deps.config),
    bundledDir: bundledSkillsDir(),
    managedDir: deps.paths.skillsDir,
    workspaceDir: deps.paths.workspaceDir,
  });
  const memory =
    deps.memory ??
    createMemoryService({
      config: deps.config,
      stateDir: deps.paths.stateDir,
      workspaceDir: deps.paths.workspaceDir,
      storeDir: deps.paths.memoryDir,
      log: (line) => deps.logger.info(line),
    });
  // One calibrated estimator per process, shared by the LLM call and the compaction that
  // sizes its history.
  const planner = new ContextPlanner(config);
  const prompt = createPromptParts({
    config,
    workspaceDir: deps.paths.workspaceDir,
    skills,
    tools,
  });
  return {
    ...createSessionActivities({ agent }),
    ...createMessagePlanActivity({ config, store: deps.store }),
    ...createCronActivities({ agent }),
    ...createMemoryActivities({ memory, config }),
    ...turn,
    ...createSkillActivities({ skills }),
    ...createLlmActivity({
      ...deps,
      prepare: (input) => turn['turn.prepare'](input),
      finish: (input, recorded) => turn['turn.finish'](input, recorded),
      workspaceDir: deps.paths.workspaceDir,
      skills,
      hostId: placement.hostId,
      sandboxesDir: join(deps.paths.stateDir, 'sandboxes'),
      liveConfig: config,
      planner,
      prompt,
      modelProviders,
    }),
    ...createCompactionActivities({ ...deps, config, planner, prompt, modelProviders }),
    ...createPluginHookActivities({
      ...(plugins ? { plugins } : {}),
      logger: pluginLogger,
      store: deps.store,
      workspaceDir: deps.paths.workspaceDir,
    }),
    ...(Object.fromEntries(
      Object.entries(
        createToolActivities({
          ...deps,
          workspaceDir: deps.paths.workspaceDir,
          sandboxesDir: join(deps.paths.stateDir, 'sandboxes'),
          processesDir: join(deps.paths.stateDir, 'processes'),
          browserDir: join(deps.paths.stateDir, 'browser'),
          skills,
          memory,
          tools,
          ...(plugins ? { plugins, logger: pluginLogger } : {}),
          ...(agent ? { sessions: { store: deps.store, agent } } : {}),
        }),
        // The tool's answer goes into the workflow history too: redacted like the transcript.
      ).map(([name, run]) => [
        name,
        async (input: ToolInput) => redactor.redactDeep(await run(input)),
      ]),
    ) as Record<`tool.${string}`, (input: ToolInput) => Promise<ToolOutput>>),
  };
}

/** The activity functions' types, for workflows' proxyActivities. */
export type Activities = ReturnType<typeof createActivities>;
