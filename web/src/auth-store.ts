// The gateway token or password, entered once and kept in the browser's localStorage.
// A token in the address (?token=…) is moved there and out of the address bar and history,
// as WebChat does, so a link with the token can be opened once and then forgotten.

const TOKEN_KEY = 'clawdbot.control.token';

/** Where the secret lives; passed to the shell so nothing here is global state. */
export interface AuthStore {
  get(): string | undefined;
  set(secret: string): void;
  clear(): void;
}

/** The store over `storage`, after taking a ?token= out of the page's address. */
export function createAuthStore(storage: Storage, location: Location, history: History): AuthStore {
  const params = new URLSearchParams(location.search);
  const fromUrl = params.get('token');
  if (fromUrl !== null) {
    storage.setItem(TOKEN_KEY, fromUrl);
    params.delete('token');
    const query = params.toString();
    history.replaceState(null, '', location.pathname + (query ? `?${query}` : '') + location.hash);
  }
  return {
    get: () => storage.getItem(TOKEN_KEY) || undefined,
    set: (secret) => storage.setItem(TOKEN_KEY, secret),
    clear: () => storage.removeItem(TOKEN_KEY),
  };
}
