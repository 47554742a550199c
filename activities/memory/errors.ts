/** Every code a MemoryError can carry, and what it means. */
export const memoryErrorCodes = {
  EMBEDDING_FAILED: 'The embedding provider refused or failed the request; the message says why.',
  EMBEDDING_MISMATCH: 'The provider returned a different number of vectors, or of dimensions.',
  MODEL_LOAD_FAILED: 'The local embedding model could not be loaded (missing files, no network).',
  PATH_OUTSIDE_MEMORY: 'memory_get was asked for a file that is not one of the memory files.',
  MEMORY_DISABLED: 'memory.enabled is false.',
} as const;

/** A stable MemoryError code. */
export type MemoryErrorCode = keyof typeof memoryErrorCodes;

/** A failure of indexing or search, with a stable code. */
export class MemoryError extends Error {
  override readonly name = 'MemoryError';
  constructor(
    readonly code: MemoryErrorCode,
    message: string,
    readonly retryable = false,
  ) {
    super(message);
  }
}
