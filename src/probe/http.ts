// HTTP GET health check via undici: healthy when the status equals `expectStatus`.
import { Agent, request } from 'undici';
import type { HttpProbe, ProbeOutcome } from './types.js';

/** For tlsVerify: false. One pool for every such tracker: made on first use. */
let unverified: Agent | undefined;

export async function runHttpCheck(config: HttpProbe, signal?: AbortSignal): Promise<ProbeOutcome> {
  const timeout = AbortSignal.timeout(config.timeoutMs);
  const combined = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
  try {
    const dispatcher =
      config.tlsVerify === false
        ? (unverified ??= new Agent({ connect: { rejectUnauthorized: false } }))
        : undefined;
    const response = await request(config.url, {
      method: 'GET',
      signal: combined,
      ...(dispatcher === undefined ? {} : { dispatcher }),
    });
    await response.body.dump(); // free the connection for the next run
    if (response.statusCode === config.expectStatus) return { ok: true };
    return { ok: false, detail: `status ${response.statusCode}, expected ${config.expectStatus}` };
  } catch (error) {
    if (timeout.aborted)
      return { ok: false, timedOut: true, detail: `timed out after ${config.timeoutMs} ms` };
    return { ok: false, detail: (error as Error).message };
  }
}
