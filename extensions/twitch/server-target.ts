/**
 * The `server` URL → @twurple/chat's connection options. twurple builds its WebSocket URL
 * as `ws[s]://<hostName>:<default port>` and has no port option, so a server on another
 * port (a proxy, a local test server) is reached by ending hostName with `:<port>/?`: the
 * default port twurple appends then lands in the query string, which the server ignores.
 */
export interface TwurpleTarget {
  hostName: string;
  ssl: boolean;
  webSocket: true;
}

/** twurple options that reach `server`. */
export function twurpleTarget(server: string): TwurpleTarget {
  const url = new URL(server);
  const ssl = url.protocol === 'wss:';
  const defaultPort = ssl ? '443' : '80';
  const port = url.port || defaultPort;
  const path = url.pathname === '/' ? '' : url.pathname;
  const hostName =
    port === defaultPort && path === '' ? url.hostname : `${url.hostname}:${port}${path || '/'}?`;
  return { hostName, ssl, webSocket: true };
}
