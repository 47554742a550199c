/**
 * Eyre's login: `POST /~/login` with `password=<code>` answers 204 and the session cookie
 * `urbauth-~<ship>=…`. Done here rather than by @urbit/http-api's `connect()`, whose 3.0.0
 * release takes a 2xx answer for a failure.
 */

/** The session cookie (`urbauth-~ship=…`) for the channel's requests; throws why not. */
export async function loginToShip(url: string, ship: string, code: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(`${url}/~/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ password: code }).toString(),
      redirect: 'manual',
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new Error(`ship ${url} not reachable: ${(error as Error).message}`);
  }
  await response.body?.cancel();
  if (response.status < 200 || response.status >= 400) {
    throw new Error(`login to ${ship} refused (HTTP ${response.status}): check url and code`);
  }
  const cookie = response.headers
    .getSetCookie()
    .map((value) => value.split(';', 1)[0]!.trim())
    .find((value) => value.startsWith(`urbauth-${ship}=`));
  if (!cookie) throw new Error(`login to ${url} gave no urbauth-${ship} cookie: is it ${ship}?`);
  return cookie;
}
