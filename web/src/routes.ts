// Hash routes: #/<view>/<param>/<param>… Parameters are URI-encoded, so a session key with
// colons or slashes survives the trip.
import { VIEWS, type ViewId } from './contract.js';

/** A parsed route. */
export interface Route {
  view: ViewId;
  params: string[];
}

const DEFAULT_VIEW: ViewId = 'chat';

function isViewId(value: string): value is ViewId {
  return VIEWS.some((view) => view.id === value);
}

/** The route of a location hash; unknown or empty hashes open the default view. */
export function parseRoute(hash: string): Route {
  const parts = hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter((part) => part !== '')
    .map((part) => {
      try {
        return decodeURIComponent(part);
      } catch {
        return part;
      }
    });
  const [first, ...params] = parts;
  if (first === undefined || !isViewId(first)) return { view: DEFAULT_VIEW, params: [] };
  return { view: first, params };
}

/** The hash of a route. */
export function routeHash(view: ViewId, params: readonly string[] = []): string {
  return `#/${[view, ...params].map(encodeURIComponent).join('/')}`;
}
