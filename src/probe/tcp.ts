// TCP connect health check: healthy when the connection is established within the timeout.
import { connect } from 'node:net';
import type { ProbeOutcome, TcpProbe } from './types.js';

export function runTcpCheck(config: TcpProbe, signal?: AbortSignal): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const socket = connect({ host: config.host, port: config.port });
    const finish = (outcome: ProbeOutcome): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(
      () => finish({ ok: false, timedOut: true, detail: `timed out after ${config.timeoutMs} ms` }),
      config.timeoutMs,
    );
    const onAbort = (): void => finish({ ok: false, detail: 'aborted' });
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => finish({ ok: true }));
    socket.once('error', (error) => finish({ ok: false, detail: error.message }));
  });
}
