/** Session keys, transcripts and the sessions index: the public surface of core/sessions. */
export * from './session-key.js';
export * from './transcript-entry.js';
export {
  DEDUP_MIN_BYTES,
  DEDUP_MIN_ENTRIES,
  ENTRY_ID_MAX_LENGTH,
  TranscriptStore,
  type AppendResult,
  type SessionRef,
  type TranscriptStoreOptions,
} from './transcript.js';
export * from './index-store.js';
export * from './store.js';
export * from './postgres-store.js';
export * from './open.js';
