import type { Config } from '../config/schema.js';
import { PostgresSessionStore } from './postgres-store.js';
import { createSessionStore, type SessionStore } from './store.js';

/** The sessions store the config asks for: PostgreSQL when `store.postgresUrl` is set, else files. */
export function openSessionStore(config: Config, stateDir: string): SessionStore {
  const url = config.store.postgresUrl;
  return url === undefined ? createSessionStore(stateDir) : new PostgresSessionStore(url);
}
