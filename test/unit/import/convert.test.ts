import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { formatDiagnostic, importKeepalived } from '../../../src/agent/import/import-keepalived.js';
import type { Diagnostic } from '../../../src/agent/import/import-keepalived.js';
import { importText } from './helpers.js';

type Data = {
  notifyFifo?: string;
  scriptUser?: Record<string, string>;
  trackers?: Record<string, unknown>[];
  instances: Record<string, unknown>[];
  syncGroups?: Record<string, unknown>[];
};

async function convert(
  text: string,
): Promise<{ data: Data; diagnostics: Diagnostic[]; file: string }> {
  const result = await importText(text);
  return { data: parse(result.yaml) as Data, diagnostics: result.diagnostics, file: result.file };
}

const at = (diagnostics: readonly Diagnostic[]): string[] =>
  diagnostics.map((d) => `${d.line} ${d.severity} ${d.keyword}`);

const INSTANCE = (body: string): string =>
  `vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 51\n  virtual_ipaddress {\n    10.0.0.1/24\n  }\n${body}\n}\n`;

describe('vrrp_instance', () => {
  it('converts the core keys; version 2 by default; accept on as keepalived; state reported as info', async () => {
    const { data, diagnostics } = await convert(
      INSTANCE('  state BACKUP\n  priority 150\n  advert_int 2\n  nopreempt\n'),
    );
    expect(data.instances[0]).toEqual({
      name: 'VI_1',
      interface: 'eth0',
      vrid: 51,
      priority: 150,
      advertInterval: '2s',
      preempt: false,
      version: 2,
      acceptMode: true,
      vips: ['10.0.0.1/24'],
    });
    expect(at(diagnostics)).toEqual(['7 info state']);
    expect(diagnostics[0]?.message).toMatch(/initial state/);
  });

  it('uses version 3 for IPv6 and reports a fractional v2 advert_int', async () => {
    const v6 = await convert(
      'vrrp_instance V {\n interface eth0\n virtual_router_id 1\n virtual_ipaddress {\n  fd00::1/64\n }\n}\n',
    );
    expect(v6.data.instances[0]).toMatchObject({ version: 3, vips: ['fd00::1/64'] });
    expect(at(v6.diagnostics)).toEqual(['1 info vrrp_instance']);
    const v2 = await convert(INSTANCE('  advert_int 0.5'));
    expect(v2.diagnostics.map((d) => d.path)).toEqual(['instances[0].advertInterval']);
  });

  it('takes vrrp_version from global_defs, no_accept, vrrp_strict', async () => {
    const { data } = await convert(`global_defs {\n vrrp_version 3\n}\n${INSTANCE('  no_accept')}`);
    expect(data.instances[0]).toMatchObject({ version: 3, acceptMode: false });
    const strict = await convert(`global_defs {\n vrrp_strict\n}\n${INSTANCE('  version 3')}`);
    expect(strict.data.instances[0]).toMatchObject({ version: 3, acceptMode: false });
    expect(at(strict.diagnostics)).toEqual(['2 info vrrp_strict']);
  });

  it('converts VIPs with dev and label, reports brd, scope and other options', async () => {
    const { data, diagnostics } = await convert(
      'vrrp_instance V {\n interface eth0\n virtual_router_id 1\n virtual_ipaddress {\n  10.0.0.1/24 dev eth1 label eth1:v\n  10.0.0.2 brd 10.0.0.255 scope link\n  10.0.0.3 no_track\n }\n}\n',
    );
    expect(data.instances[0]?.vips).toEqual([
      { address: '10.0.0.1/24', device: 'eth1', label: 'eth1:v' },
      '10.0.0.2',
      '10.0.0.3',
    ]);
    expect(at(diagnostics)).toEqual([
      '6 unsupported 10.0.0.2',
      '6 unsupported 10.0.0.2',
      '7 unsupported 10.0.0.3',
    ]);
    expect(diagnostics[0]?.path).toBe('instances[0].vips[1]');
  });

  it('converts unicast (keepalived accepts any source unless check_unicast_src)', async () => {
    const { data } = await convert(
      INSTANCE('  unicast_src_ip 10.0.0.2\n  unicast_peer {\n    10.0.0.3\n    10.0.0.4\n  }'),
    );
    expect(data.instances[0]).toMatchObject({
      mode: 'unicast',
      unicast: { source: '10.0.0.2', peers: ['10.0.0.3', '10.0.0.4'], acceptUnknownPeers: true },
    });
    const checked = await convert(
      INSTANCE('  check_unicast_src\n  unicast_peer {\n    10.0.0.3 min_ttl 2\n  }'),
    );
    expect(checked.data.instances[0]).toMatchObject({
      unicast: { peers: ['10.0.0.3'], acceptUnknownPeers: false },
    });
    expect(at(checked.diagnostics)).toEqual(['9 unsupported 10.0.0.3']);
  });

  it('converts PASS authentication (truncated to 8 bytes) for v2 and drops it for v3', async () => {
    const v2 = await convert(
      INSTANCE('  authentication {\n    auth_type PASS\n    auth_pass 0123456789\n  }'),
    );
    expect(v2.data.instances[0]?.authentication).toEqual({ type: 'pass', password: '01234567' });
    expect(at(v2.diagnostics)).toEqual(['9 info auth_pass']);
    const v3 = await convert(INSTANCE('  version 3\n  authentication {\n    auth_type AH\n  }'));
    expect(v3.data.instances[0]?.authentication).toBeUndefined();
    expect(at(v3.diagnostics)).toEqual(['8 info authentication', '9 unsupported auth_type']);
  });

  it('converts garp settings, from global_defs too', async () => {
    const { data } = await convert(
      `global_defs {\n vrrp_garp_master_repeat 3\n vrrp_garp_interval 0.001\n}\n${INSTANCE('  garp_master_delay 10\n  garp_master_refresh 60\n  garp_master_refresh_repeat 2')}`,
    );
    expect(data.instances[0]?.garp).toEqual({
      masterRepeat: 3,
      masterDelay: '10s',
      masterRefresh: '60s',
      masterRefreshRepeat: 2,
      interval: '0.001s',
    });
  });

  it('converts track_* and notify*, reporting reverse and smtp_alert', async () => {
    const trackers =
      'vrrp_script chk {\n script /bin/true\n}\nvrrp_script chk2 {\n script /bin/true\n}\ntrack_file tf {\n file /run/x\n}\nvrrp_track_process tp {\n process x\n}\n';
    const { data, diagnostics } = await convert(
      trackers +
        INSTANCE(
          '  track_script {\n    chk\n    chk2 weight -20 reverse\n  }\n  track_interface {\n    eth1\n    eth2 weight 10\n  }\n  track_file {\n    tf\n  }\n  track_process {\n    tp weight 5\n  }\n  notify_master "/bin/m arg" root\n  notify /bin/any\n  notify_stop /bin/stop\n  smtp_alert\n  dont_track_primary',
        ),
    );
    expect(data.instances[0]?.track).toEqual([
      { tracker: 'chk' },
      { tracker: 'chk2', weight: -20 },
      { interface: 'eth1' },
      { interface: 'eth2', weight: 10 },
      { tracker: 'tf' },
      { tracker: 'tp', weight: 5 },
    ]);
    expect(data.instances[0]?.notify).toEqual({
      master: { script: '/bin/m arg', user: 'root' },
      any: '/bin/any',
      stop: '/bin/stop',
    });
    expect(at(diagnostics)).toEqual([
      '21 unsupported chk2',
      '36 unsupported smtp_alert',
      '37 unsupported dont_track_primary',
    ]);
  });

  it('reports a missing interface, vrid or VIP with the floatd key path', async () => {
    const { diagnostics } = await convert('vrrp_instance V {\n}\n');
    expect(diagnostics.map((d) => d.path)).toEqual([
      'instances[0].interface',
      'instances[0].vrid',
      'instances[0].vips',
    ]);
  });
});

describe('importKeepalived', () => {
  it('rejects an unreadable main file with FLOATD_ERR_IMPORT', async () => {
    await expect(importKeepalived('/nonexistent/keepalived.conf')).rejects.toMatchObject({
      code: 'FLOATD_ERR_IMPORT',
      name: 'KeepalivedImportError',
    });
  });

  it('reports a repeated VIP at its key path', async () => {
    const { diagnostics } = await convert(
      INSTANCE('  virtual_ipaddress {\n    10.0.0.1/24 label eth0:a\n  }'),
    );
    expect(diagnostics.map((d) => `${d.line} ${d.path ?? ''}`)).toEqual(['8 instances[0].vips[1]']);
  });
});

describe('vrrp_script, track_file, vrrp_track_process', () => {
  it('turns a bash /dev/tcp port check into a tcp tracker', async () => {
    const { data, diagnostics } = await convert(
      `vrrp_script web {\n  script "</dev/tcp/127.0.0.1/80"\n  interval 1\n  user nobody\n}\n${INSTANCE('')}`,
    );
    expect(data.trackers).toEqual([
      { name: 'web', type: 'tcp', host: '127.0.0.1', port: 80, interval: '1s' },
    ]);
    expect(at(diagnostics)).toEqual(['1 info vrrp_script', '1 unsupported vrrp_script']);
  });

  it('converts to trackers, with the global script_user', async () => {
    const { data, diagnostics } = await convert(
      [
        'global_defs {',
        '  script_user nobody',
        '  enable_script_security',
        '}',
        'vrrp_script chk {',
        `  script "/usr/bin/check -q 'a b'"`,
        '  interval 2',
        '  timeout 1',
        '  weight -20',
        '  rise 2',
        '  fall 3',
        '  init_fail',
        '}',
        'vrrp_script rel {',
        '  script "no-such-floatd-check -0 haproxy"',
        '  user root',
        '}',
        'track_file tf {',
        '  file /run/w',
        '  weight 2',
        '  init_file 0',
        '}',
        'vrrp_track_process tp {',
        '  process nginx',
        '  quorum 2',
        '  weight 0',
        '  delay 1',
        '}',
        INSTANCE(''),
      ].join('\n'),
    );
    expect(data.trackers).toEqual([
      {
        name: 'chk',
        type: 'script',
        script: '/usr/bin/check',
        args: ['-q', 'a b'],
        interval: '2s',
        timeout: '1s',
        weight: -20,
        rise: 2,
        fall: 3,
        initFail: true,
      },
      {
        name: 'rel',
        type: 'script',
        script: 'no-such-floatd-check',
        args: ['-0', 'haproxy'],
        user: 'root',
      },
      { name: 'tf', type: 'file', path: '/run/w', weight: 2 },
      { name: 'tp', type: 'process', process: 'nginx', minProcesses: 2, weight: 0 },
    ]);
    expect(at(diagnostics)).toEqual([
      '3 info enable_script_security',
      '15 unsupported script',
      '21 unsupported init_file',
      '27 unsupported delay',
    ]);
    expect(diagnostics[1]?.path).toBe('trackers[1].script');
    // keepalived.conf(5): script_user is the default for every script: the top-level scriptUser.
    expect(data.scriptUser).toEqual({ user: 'nobody' });
  });

  it('looks a relative script name up on PATH, as keepalived does, and says so', async () => {
    const { data, diagnostics } = await convert(
      `vrrp_script rel {\n  script "sh -c true"\n}\n${INSTANCE('  notify_master "sh -c \'a  b\'"')}`,
    );
    const [tracker] = data.trackers as { script: string }[];
    expect(tracker?.script).toMatch(/^\/(usr\/)?s?bin\/sh$/);
    const notify = (data.instances as { notify: { master: string } }[])[0]?.notify.master;
    // Resolved, and the white space inside the quotes kept as written.
    expect(notify).toBe(`${tracker?.script} -c 'a  b'`);
    expect(diagnostics.filter((d) => /resolved to/.test(d.message)).map((d) => d.severity)).toEqual(
      ['info', 'info'],
    );
  });
});

describe('vrrp_sync_group, global_defs and other blocks', () => {
  it('converts sync groups and notify_fifo, reports other global keys and non-VRRP blocks once', async () => {
    const { data, diagnostics, file } = await convert(
      [
        'global_defs {',
        '  router_id r1',
        '  notify_fifo /run/k.fifo',
        '  notification_email {',
        '    a@b',
        '  }',
        '}',
        'vrrp_sync_group G1 {',
        '  VI_9',
        '  group {',
        '    VI_1',
        '  }',
        '  notify_master /bin/gm',
        '  track_script {',
        '    chk',
        '  }',
        '}',
        'virtual_server 10.0.0.1 80 {',
        '  real_server 10.0.0.2 80 {',
        '    weight 1',
        '  }',
        '}',
        'static_routes {',
        '  10.1.0.0/16 via 10.0.0.254',
        '}',
        INSTANCE(''),
      ].join('\n'),
    );
    expect(data.notifyFifo).toBe('/run/k.fifo');
    expect(data.syncGroups).toEqual([
      { name: 'G1', instances: ['VI_1'], notify: { master: '/bin/gm' } },
    ]);
    expect(at(diagnostics)).toEqual([
      '2 info router_id',
      '4 unsupported notification_email',
      '9 unsupported VI_9',
      '14 unsupported track_script',
      '18 unsupported virtual_server',
      '23 unsupported static_routes',
    ]);
    expect(diagnostics[2]?.message).toMatch(/inside "group \{ \}"/);
    expect(formatDiagnostic(diagnostics[4] as Diagnostic)).toBe(
      `${file}:18: unsupported: virtual_server: not a VRRP feature; floatd does not do it: skipped (the whole block)`,
    );
  });
});
