// The checked-in Temporal server config (deploy/temporal/) against the code that depends
// on it: the dynamic config must match what the embedded dev server gets, and the config
// template must render, in the server itself, with the documented variables and defaults.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fastDevServerDynamicConfig } from '../../cli/runtime/temporal-dev-server.js';
import { packageRoot } from '../../core/paths.js';

const deployDir = join(packageRoot, 'deploy', 'temporal');
const dynamicConfigFile = join(deployDir, 'dynamicconfig.yaml');
const configFile = join(deployDir, 'config.yaml');
const serverBinary = join(packageRoot, '.tools', 'bin', 'temporal-server');

/** The contract with docker-compose and the test harness: variable → default. */
const documentedVariables: Record<string, string> = {
  POSTGRES_SEEDS: '127.0.0.1',
  DB_PORT: '5432',
  POSTGRES_USER: 'temporal',
  POSTGRES_PWD: 'temporal',
  DBNAME: 'temporal',
  VISIBILITY_DBNAME: 'temporal_visibility',
  BIND_ON_IP: '127.0.0.1',
  FRONTEND_GRPC_PORT: '7233',
  FRONTEND_HTTP_PORT: '7243',
  FRONTEND_MEMBERSHIP_PORT: '6933',
  HISTORY_GRPC_PORT: '7234',
  HISTORY_MEMBERSHIP_PORT: '6934',
  MATCHING_GRPC_PORT: '7235',
  MATCHING_MEMBERSHIP_PORT: '6935',
  WORKER_GRPC_PORT: '7239',
  WORKER_MEMBERSHIP_PORT: '6939',
  NUM_HISTORY_SHARDS: '4',
  DYNAMIC_CONFIG_FILE_PATH: '/etc/temporal/config/dynamicconfig/clawdbot.yaml',
  LOG_LEVEL: 'info',
};

type DynamicConfig = Record<string, { value: unknown; constraints?: unknown }[]>;

function server(args: string[], env: NodeJS.ProcessEnv = {}) {
  if (!existsSync(serverBinary)) {
    throw new Error(`${serverBinary} is missing: run scripts/install-temporal-server`);
  }
  const result = spawnSync(serverBinary, args, {
    cwd: packageRoot,
    // Only what we pass: a developer's DB_PORT or BIND_ON_IP must not leak in.
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(`temporal-server ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
  }
  return result.stdout;
}

interface RenderedConfig {
  persistence: {
    numHistoryShards: number;
    defaultStore: string;
    visibilityStore: string;
    datastores: Record<
      string,
      { sql: { pluginName: string; databaseName: string; connectAddr: string; user: string } }
    >;
  };
  global: { membership: { broadcastAddress: string } };
  services: Record<
    string,
    { rpc: { grpcPort: number; membershipPort: number; bindOnIP: string; httpPort: number } }
  >;
  clusterMetadata: { clusterInformation: { active: { rpcAddress: string } } };
  dynamicConfigClient: { filepath: string };
}

function render(env: NodeJS.ProcessEnv = {}): RenderedConfig {
  const output = server(
    ['--root', packageRoot, '--config', 'deploy/temporal', '--env', 'config', 'render-config'],
    env,
  );
  return parse(output) as RenderedConfig;
}

describe('deploy/temporal/dynamicconfig.yaml', () => {
  const file = parse(readFileSync(dynamicConfigFile, 'utf8')) as DynamicConfig;

  it('has every setting the embedded dev server gets, with the same value', () => {
    for (const [key, value] of Object.entries(fastDevServerDynamicConfig)) {
      // One value without constraints: it applies to every namespace and task queue.
      expect(file[key], key).toEqual([{ value }]);
    }
  });

  it("passes the server's own validation (known keys, values of the right type)", () => {
    const output = server(['validate-dynamic-config', dynamicConfigFile]);
    expect(output).not.toMatch(/warning|error/i);
  });
});

describe('deploy/temporal/config.yaml', () => {
  const template = readFileSync(configFile, 'utf8');

  const actions = template.match(/\{\{[^}]*\}\}/g) ?? [];

  it('reads exactly the documented variables, with the documented defaults', () => {
    const lookups: Record<string, string> = {};
    for (const action of actions) {
      for (const [, name = '', fallback = ''] of action.matchAll(
        /\bor \(env "(\w+)"\) "([^"]*)"/g,
      )) {
        lookups[name] = fallback;
      }
    }
    expect(lookups).toEqual(documentedVariables);
  });

  it("uses no `default`: dockerize (the image's entrypoint) swaps its arguments", () => {
    expect(actions.length).toBeGreaterThan(20);
    for (const action of actions) expect(action).not.toMatch(/\bdefault\b/);
  });

  it('renders in temporal-server with the defaults', () => {
    const config = render();
    expect(config.persistence).toMatchObject({
      numHistoryShards: 4,
      defaultStore: 'temporal',
      visibilityStore: 'temporal_visibility',
    });
    expect(config.persistence.datastores.temporal?.sql).toMatchObject({
      pluginName: 'postgres12',
      databaseName: 'temporal',
      connectAddr: '127.0.0.1:5432',
      user: 'temporal',
    });
    expect(config.persistence.datastores.temporal_visibility?.sql).toMatchObject({
      pluginName: 'postgres12',
      databaseName: 'temporal_visibility',
    });
    expect(config.services.frontend?.rpc).toMatchObject({
      grpcPort: 7233,
      httpPort: 7243,
      membershipPort: 6933,
      bindOnIP: '127.0.0.1',
    });
    expect(Object.keys(config.services).sort()).toEqual([
      'frontend',
      'history',
      'matching',
      'worker',
    ]);
    expect(config.clusterMetadata.clusterInformation.active.rpcAddress).toBe('127.0.0.1:7233');
    expect(config.dynamicConfigClient.filepath).toBe(documentedVariables.DYNAMIC_CONFIG_FILE_PATH);
  });

  it('renders in temporal-server with every variable set, as in a container', () => {
    const config = render({
      POSTGRES_SEEDS: 'postgresql',
      DB_PORT: '5433',
      POSTGRES_USER: 'clawdbot',
      POSTGRES_PWD: 'secret',
      DBNAME: 'tdb',
      VISIBILITY_DBNAME: 'tvis',
      BIND_ON_IP: '0.0.0.0',
      BROADCAST_ADDRESS: '172.18.0.5',
      FRONTEND_GRPC_PORT: '17233',
      FRONTEND_HTTP_PORT: '17243',
      FRONTEND_MEMBERSHIP_PORT: '16933',
      HISTORY_GRPC_PORT: '17234',
      HISTORY_MEMBERSHIP_PORT: '16934',
      MATCHING_GRPC_PORT: '17235',
      MATCHING_MEMBERSHIP_PORT: '16935',
      WORKER_GRPC_PORT: '17239',
      WORKER_MEMBERSHIP_PORT: '16939',
      NUM_HISTORY_SHARDS: '8',
      DYNAMIC_CONFIG_FILE_PATH: '/config/dynamic.yaml',
    });
    expect(config.persistence.numHistoryShards).toBe(8);
    expect(config.persistence.datastores.temporal?.sql).toMatchObject({
      databaseName: 'tdb',
      connectAddr: 'postgresql:5433',
      user: 'clawdbot',
    });
    expect(config.persistence.datastores.temporal_visibility?.sql.databaseName).toBe('tvis');
    expect(config.global.membership.broadcastAddress).toBe('172.18.0.5');
    expect(config.services).toMatchObject({
      frontend: {
        rpc: { grpcPort: 17233, httpPort: 17243, membershipPort: 16933, bindOnIP: '0.0.0.0' },
      },
      history: { rpc: { grpcPort: 17234, membershipPort: 16934, bindOnIP: '0.0.0.0' } },
      matching: { rpc: { grpcPort: 17235, membershipPort: 16935, bindOnIP: '0.0.0.0' } },
      worker: { rpc: { grpcPort: 17239, membershipPort: 16939, bindOnIP: '0.0.0.0' } },
    });
    expect(config.clusterMetadata.clusterInformation.active.rpcAddress).toBe('172.18.0.5:17233');
    expect(config.dynamicConfigClient.filepath).toBe('/config/dynamic.yaml');
  });

  it("takes the broadcast address the image's entrypoint sets when BROADCAST_ADDRESS is unset", () => {
    const config = render({ BIND_ON_IP: '0.0.0.0', TEMPORAL_BROADCAST_ADDRESS: '172.18.0.6' });
    expect(config.global.membership.broadcastAddress).toBe('172.18.0.6');
  });
});
