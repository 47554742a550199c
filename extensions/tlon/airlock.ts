/**
 * The part of @urbit/http-api's `Urbit` airlock the channel uses, typed here: the package
 * ships its declarations with extensionless relative imports, which TypeScript's NodeNext
 * resolution cannot follow, so its own types come through unresolved.
 */
import * as httpApi from '@urbit/http-api';

/** An eyre channel client (one `Urbit` instance). */
export interface EyreAirlock {
  cookie?: string;
  ship?: string | null;
  our?: string | null;
  onOpen?: (() => void) | null;
  onRetry?: (() => void) | null;
  onError?: ((error: unknown) => void) | null;
  poke(params: {
    app: string;
    mark: string;
    json: unknown;
    onSuccess?: () => void;
    onError?: (error: unknown) => void;
  }): Promise<number>;
  subscribe(params: {
    app: string;
    path: string;
    event?: (fact: unknown) => void;
    err?: (error: unknown) => void;
    quit?: () => void;
  }): Promise<number>;
  delete(): Promise<void>;
}

const UrbitClass = (
  httpApi as unknown as { Urbit: new (url: string, code?: string) => EyreAirlock }
).Urbit;

/** A new airlock for the ship at `url` (nothing is sent yet). */
export function createAirlock(url: string, code: string): EyreAirlock {
  return new UrbitClass(url, code);
}

/** End the airlock's event stream (its private AbortController: reset() would also delete). */
export function closeAirlock(airlock: EyreAirlock): void {
  (airlock as unknown as { abort: AbortController }).abort.abort();
}
