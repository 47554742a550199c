/** Something that turns texts into unit-length vectors of one fixed size. */
export interface EmbeddingProvider {
  /**
   * Which vectors these are (`openai:<model>` or `local:<model>`): vectors of two ids are
   * never compared, so the id names a table of its own.
   */
  readonly id: string;
  /** Vectors for `texts`, in order, each normalised to length 1. */
  embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]>;
  /** The vectors' size (embeds a probe text once when the model does not say). */
  dimensions(): Promise<number>;
  /** Release the model (a worker thread, sockets). */
  close(): Promise<void>;
}

/** Scale a vector to length 1, so cosine similarity is a dot product. */
export function normalize(vector: ArrayLike<number>): Float32Array {
  let sum = 0;
  for (let index = 0; index < vector.length; index++) sum += vector[index]! * vector[index]!;
  const norm = Math.sqrt(sum) || 1;
  const result = new Float32Array(vector.length);
  for (let index = 0; index < vector.length; index++) result[index] = vector[index]! / norm;
  return result;
}

/** Cosine similarity of two unit vectors. */
export function dot(left: ArrayLike<number>, right: ArrayLike<number>): number {
  let sum = 0;
  const length = Math.min(left.length, right.length);
  for (let index = 0; index < length; index++) sum += left[index]! * right[index]!;
  return sum;
}
