/**
 * Checks that a request to the messaging endpoint comes from the Bot Connector, as the Bot
 * Framework's authentication rules require of a bot that does its own checks: a bearer JWT
 * signed by a key of the OpenID metadata with an allowed algorithm, issuer
 * https://api.botframework.com, audience the bot's App ID, inside its validity (5 minutes
 * of clock skew), a `serviceurl` claim equal to the activity's `serviceUrl` (so a stolen
 * token cannot send the bot's replies elsewhere), and a key endorsed for the activity's
 * channel. jose does the signature, issuer, audience and time checks.
 */
import { importJWK, jwtVerify, type JWTPayload } from 'jose';
import { BOT_FRAMEWORK_ISSUER } from './config.js';
import type { OpenIdKeys } from './openid-keys.js';

/** Why a request was refused. */
export class BotAuthError extends Error {
  override readonly name = 'BotAuthError';
  readonly code = 'MSTEAMS_UNAUTHORIZED';
}

/** Verifies one request's Authorization header against its activity. */
export type BotRequestVerifier = (
  authorization: string | undefined,
  activity: { serviceUrl?: string; channelId?: string },
) => Promise<JWTPayload>;

const CLOCK_SKEW_SECONDS = 300;

/** A verifier for one bot; it throws BotAuthError with the reason when a request fails. */
export function botRequestVerifier(options: {
  appId: string;
  keys: OpenIdKeys;
}): BotRequestVerifier {
  return async (authorization, activity) => {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (!token) throw new BotAuthError('no bearer token');
    const algorithms = await options.keys.algorithms();
    let endorsements: string[] | undefined;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(
        token,
        async (header) => {
          const key = await options.keys.key(header.kid);
          if (!key) throw new BotAuthError(`unknown signing key ${header.kid ?? '(none)'}`);
          endorsements = key.endorsements;
          return importJWK(key, header.alg);
        },
        {
          issuer: BOT_FRAMEWORK_ISSUER,
          audience: options.appId,
          algorithms,
          clockTolerance: CLOCK_SKEW_SECONDS,
          requiredClaims: ['exp'],
        },
      ));
    } catch (error) {
      if (error instanceof BotAuthError) throw error;
      throw new BotAuthError((error as Error).message);
    }
    if (typeof activity.serviceUrl !== 'string' || payload.serviceurl !== activity.serviceUrl) {
      throw new BotAuthError('the token was issued for another serviceUrl');
    }
    const channel = activity.channelId;
    if (channel && endorsements && !endorsements.includes(channel)) {
      throw new BotAuthError(`the signing key is not endorsed for channel ${channel}`);
    }
    return payload;
  };
}
