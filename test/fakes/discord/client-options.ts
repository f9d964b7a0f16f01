import { once } from 'node:events';
import { type Client, type ClientOptions, DiscordAPIError, Events } from 'discord.js';

/**
 * discord.js v14 Client options that point it at a running FakeDiscord.
 *
 * - `rest.api` is the base WITHOUT version: @discordjs/rest builds `${api}/v${version}${route}`,
 *   so `http://127.0.0.1:PORT/api` + `/v10/gateway/bot`.
 * - The gateway URL is NOT configured here: discord.js takes it from GET /gateway/bot and connects to
 *   `${url}?v=10&encoding=json` (plus `&compress=zlib-stream` only if the optional `zlib-sync`
 *   package is installed; the fake always answers with plain-text JSON frames, which the client
 *   parses regardless). Resumes go to READY's `resume_gateway_url` (`${gatewayUrl}/resume`).
 * - `ws.buildIdentifyThrottler` is replaced by a no-op so re-IDENTIFY (after an invalid session) does not
 *   sit out @discordjs/ws's 5 s per-bucket identify window.
 * - `rest.retries`/`rest.timeout` are lowered so a broken fake fails a test quickly instead of hanging.
 *
 * Spread into the Client options; if you pass your own `rest`/`ws`, merge them with these.
 *   new Client({ intents, ...fakeClientOptions(urls) })
 */
export function fakeClientOptions(urls: { restUrl: string } | string): Required<Pick<ClientOptions, 'rest' | 'ws'>> {
  const api = typeof urls === 'string' ? urls : urls.restUrl;
  return {
    rest: { api, version: '10', retries: 1, timeout: 5_000 },
    ws: {
      buildIdentifyThrottler: () => ({ waitForIdentify: async () => {} }),
    },
  };
}

/** Logs a client in and waits for READY. */
export async function loginAndWaitReady(client: Client, token = 'fake-token'): Promise<void> {
  const ready = once(client, Events.ClientReady);
  await client.login(token);
  await ready;
}

/** The DiscordAPIError a request fails with (fails the test when it succeeds or fails otherwise). */
export async function apiError(p: Promise<unknown>): Promise<DiscordAPIError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DiscordAPIError) return e;
    throw e;
  }
  throw new Error('expected the request to fail');
}
