// The fork server runs commands from its own small shell and reports each exit status.
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ArpingProcess } from '../../../src/agent/net/arping-sender.js';
import { ForkServer } from '../../../src/agent/net/fork-server.js';

const servers: ForkServer[] = [];
afterEach(() => {
  servers.splice(0).forEach((s) => s.close());
});

function exitOf(proc: ArpingProcess): Promise<number | null> {
  return new Promise((resolve, reject) => {
    proc.once('close', (code) => resolve(code));
    proc.once('error', reject);
  });
}

function server(fallback = vi.fn()): ForkServer {
  const s = new ForkServer(pino({ level: 'silent' }), fallback);
  servers.push(s);
  return s;
}

describe('ForkServer', () => {
  it('runs commands with their arguments and reports exit statuses', async () => {
    const s = server();
    s.start();
    const results = await Promise.all([
      exitOf(s.spawn('true', [])),
      exitOf(s.spawn('false', [])),
      exitOf(s.spawn('sh', ['-c', 'exit $(($1 + $2))', 'x', '3', '4'])),
      exitOf(s.spawn('floatd-no-such-command', ['a'])),
    ]);
    expect(results).toEqual([0, 1, 7, 127]);
  });

  it('passes an argument with spaces as one argument', async () => {
    const s = server();
    expect(await exitOf(s.spawn('test', ['a b', '=', 'a b']))).toBe(0);
    expect(await exitOf(s.spawn('test', ['a b', '=', 'a']))).toBe(1);
  });

  it('hands arguments it cannot carry (tabs, empty, too many) to the fallback', () => {
    const fallback = vi.fn(() => ({}) as ArpingProcess);
    const s = server(fallback);
    s.spawn('echo', ['a\tb']);
    s.spawn('echo', ['']);
    s.spawn(
      'echo',
      Array.from({ length: 9 }, (_, i) => String(i)),
    );
    expect(fallback).toHaveBeenCalledTimes(3);
  });

  it('after close, nothing runs through the server and pending commands end', async () => {
    const s = server();
    const pending = exitOf(s.spawn('sleep', ['5']));
    s.close();
    await expect(pending).resolves.toBeNull();
  });
});
