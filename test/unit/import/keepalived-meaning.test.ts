// Issue 14, Build 1: the converted floatd.yaml means what keepalived runs, where keepalived's
// own behaviour is settled (its man page, keepalived.conf(5), and the messages it logs when it
// completes an instance); what floatd cannot carry is refused with the keepalived file:line.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import type { Diagnostic } from '../../../src/agent/import/import-keepalived.js';
import { parseScriptCommand } from '../../../src/agent/notify/script-command.js';
import { importText } from './helpers.js';
import { judge } from './sample-judge.js';

type Data = {
  scriptUser?: Record<string, string>;
  instances: Record<string, unknown>[];
  syncGroups?: Record<string, unknown>[];
};

async function convert(
  text: string,
): Promise<{ data: Data; yaml: string; diagnostics: Diagnostic[] }> {
  const result = await importText(text);
  return { data: parse(result.yaml) as Data, yaml: result.yaml, diagnostics: result.diagnostics };
}

const at = (diagnostics: readonly Diagnostic[]): string[] =>
  diagnostics.map((d) => `${d.line} ${d.severity} ${d.keyword}`);

// Lines 1-6 are the instance's head; `body` starts at line 7.
const INSTANCE = (body: string, vips = '10.0.0.1/24'): string =>
  `vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 51\n  virtual_ipaddress {\n    ${vips}\n  }\n${body}\n}\n`;

describe('priority and preemption as keepalived completes an instance', () => {
  it('state MASTER without priority runs at 255 (the address owner), not 100', async () => {
    // keepalived.conf(5) "priority": "... if not specified, the priority will be 255 if the
    // state is MASTER" (vrrp.c: base priority derived from the initial state).
    const { data, diagnostics } = await convert(INSTANCE('  state MASTER'));
    expect(data.instances[0]).toMatchObject({ priority: 255, acceptMode: true });
    expect(at(diagnostics)).toEqual(['7 info state', '7 info state']);
    expect(diagnostics[0]?.message).toMatch(/keepalived runs the instance at 255/);
    // state BACKUP without priority: keepalived's 100 is floatd's default.
    const backup = await convert(INSTANCE('  state BACKUP'));
    expect(backup.data.instances[0]?.priority).toBeUndefined();
  });

  it('state MASTER clears preempt_delay and nopreempt, with a diagnostic each', async () => {
    // keepalived: "preempt delay will not work with initial state MASTER - clearing",
    // "nopreempt will not work with initial state MASTER - clearing".
    const { data, diagnostics } = await convert(
      INSTANCE('  state MASTER\n  priority 150\n  nopreempt\n  preempt_delay 30'),
    );
    expect(data.instances[0]).not.toHaveProperty('preempt');
    expect(data.instances[0]).not.toHaveProperty('preemptDelay');
    expect(at(diagnostics)).toEqual(['7 info state', '9 info nopreempt', '10 info preempt_delay']);
    expect(diagnostics[2]?.message).toMatch(/keepalived clears preempt_delay/);
  });

  it('priority 255 with nopreempt: keepalived resets nopreempt, so preempt is not false', async () => {
    // keepalived: "nopreempt is incompatible with priority 255. resetting nopreempt".
    const { data, diagnostics } = await convert(INSTANCE('  priority 255\n  nopreempt'));
    expect(data.instances[0]).toMatchObject({ priority: 255 });
    expect(data.instances[0]).not.toHaveProperty('preempt');
    expect(at(diagnostics)).toEqual(['8 info nopreempt']);
  });

  it('nopreempt with preempt_delay: keepalived resets the delay', async () => {
    // keepalived: "preempt_delay is incompatible with nopreempt mode - resetting".
    const { data, diagnostics } = await convert(
      INSTANCE('  state BACKUP\n  nopreempt\n  preempt_delay 5'),
    );
    expect(data.instances[0]).toMatchObject({ preempt: false });
    expect(data.instances[0]).not.toHaveProperty('preemptDelay');
    expect(at(diagnostics)).toEqual(['7 info state', '9 info preempt_delay']);
  });
});

describe('script_user and notify users (keepalived.conf(5) SCRIPTS, "script_user")', () => {
  it('writes global script_user as scriptUser and a notify script USER GROUP as a mapping', async () => {
    const { data, diagnostics } = await convert(
      [
        'global_defs {',
        '  script_user keepalived_script users',
        '}',
        'vrrp_sync_group G {',
        '  group {',
        '    VI_1',
        '  }',
        '  notify_backup "/bin/gb x" nobody',
        '}',
        INSTANCE(
          '  notify_master "/bin/m arg" nobody nogroup\n  notify_fault /bin/f\n  notify_stop /bin/s www :adm',
        ),
      ].join('\n'),
    );
    // The default applies to notify scripts and trackers alike: one top-level key.
    expect(data.scriptUser).toEqual({ user: 'keepalived_script', group: 'users' });
    expect(data.syncGroups?.[0]?.notify).toEqual({
      backup: { script: '/bin/gb x', user: 'nobody' },
    });
    expect(data.instances[0]?.notify).toEqual({
      master: { script: '/bin/m arg', user: 'nobody', group: 'nogroup' },
      // No user of its own: runs as scriptUser, as keepalived runs it as script_user.
      fault: '/bin/f',
      stop: { script: '/bin/s', user: 'www', group: ':adm' },
    });
    // ":GROUP" (supplementary groups) has no floatd form: refused at its line.
    expect(diagnostics.map((d) => `${d.line} ${d.severity} ${d.path ?? ''}`)).toEqual([
      '18 unsupported instances[0].notify.stop.group',
    ]);
  });
});

describe('scripts read as keepalived reads them (keepalived.conf(5) "Quoted strings")', () => {
  it("runs the man page's own notify_master example with the same arguments", async () => {
    const notify = String.raw`notify_master "/etc/keepalived/notify_event.sh ' spaces\\x20f\x69le ' '\"s p a c e \"' ${'$'}{SG_NAME}.$INST master" $USER group`;
    const conf = `$SG_NAME=SG1\n$INST=low\n$USER=user\n${INSTANCE(`  ${notify}`)}`;
    const { data, diagnostics } = await convert(conf);
    const master = data.instances[0]?.notify as { master: { script: string } };
    // "with parameters ' spaces\x20file ', '"s p a c e "', 'SG1.low' and 'master'", as user:group.
    expect(master.master).toEqual({
      script: `/etc/keepalived/notify_event.sh ' spaces\\x20file ' '"s p a c e "' SG1.low master`,
      user: 'user',
      group: 'group',
    });
    expect(parseScriptCommand(master.master.script)).toEqual([
      '/etc/keepalived/notify_event.sh',
      ' spaces\\x20file ',
      '"s p a c e "',
      'SG1.low',
      'master',
    ]);
    expect(diagnostics).toEqual([]);
  });

  it('a vrrp_script script runs only its first word, as keepalived runs it', async () => {
    // keepalived's script keyword takes one (quoted) word; later words are not arguments.
    const { data, diagnostics } = await convert(
      `vrrp_script chk {\n  script /usr/bin/test -e /run/ok\n}\n${INSTANCE('')}`,
    );
    expect((data as { trackers?: unknown[] }).trackers).toEqual([
      { name: 'chk', type: 'script', script: '/usr/bin/test' },
    ]);
    expect(diagnostics.map((d) => `${d.line} ${d.severity} ${d.path ?? ''}`)).toEqual([
      '2 unsupported trackers[0].script',
    ]);
  });
});

describe('garp keywords keepalived ignores where they are written', () => {
  it('does not convert garp_master_delay in global_defs, vrrp_garp_master_repeat or garp_interval in an instance', async () => {
    // keepalived.conf(5): global_defs has vrrp_garp_master_*, an instance garp_master_*, and
    // garp_interval belongs to garp_group; elsewhere keepalived logs "Unknown keyword".
    const { data, diagnostics } = await convert(
      `global_defs {\n  garp_master_delay 1\n}\n${INSTANCE('  vrrp_garp_master_repeat 9\n  garp_interval 0.01\n  garp_master_repeat 2')}`,
    );
    expect(data.instances[0]?.garp).toEqual({ masterRepeat: 2 });
    expect(at(diagnostics)).toEqual([
      '2 info garp_master_delay',
      '10 info vrrp_garp_master_repeat',
      '11 info garp_interval',
    ]);
    expect(diagnostics[0]?.message).toMatch(/keepalived ignores it here/);
  });
});

describe('auth_type AH', () => {
  it('is refused with its line, the password not written as a PASS one', async () => {
    const { data, yaml, diagnostics } = await convert(
      INSTANCE('  authentication {\n    auth_type AH\n    auth_pass s3cret\n  }'),
    );
    expect(data.instances[0]?.authentication).toEqual({ type: 'AH' });
    expect(yaml).not.toContain('s3cret');
    expect(at(diagnostics)).toEqual(['8 unsupported auth_type']);
    // `floatd validate` refuses it, and every problem is traced to that keepalived line.
    expect(judge(yaml, diagnostics).outcome).toBe('explained');
  });
});

describe('authentication keepalived ignores', () => {
  it('is dropped in strict mode and without a password, as keepalived drops it', async () => {
    // keepalived: "Strict mode does not support authentication. Ignoring." and
    // "Authentication specified but no password given. Ignoring".
    const auth = '  authentication {\n    auth_type PASS\n    auth_pass secret\n  }';
    const strict = await convert(`global_defs {\n  vrrp_strict\n}\n${INSTANCE(auth)}`);
    expect(strict.data.instances[0]).not.toHaveProperty('authentication');
    expect(at(strict.diagnostics)).toEqual(['2 info vrrp_strict', '10 info authentication']);
    const none = await convert(INSTANCE('  authentication {\n    auth_type PASS\n  }'));
    expect(none.data.instances[0]).not.toHaveProperty('authentication');
    expect(at(none.diagnostics)).toEqual(['7 info authentication']);
  });
});

describe('references and families, reported at the keepalived line', () => {
  it('leaves out a track_script that no vrrp_script defines before the instance, as keepalived', async () => {
    // keepalived: "(VI_1) track script nope not found, ignoring..." (a vrrp_script read after
    // the instance is not found either).
    const { data, yaml, diagnostics } = await convert(
      `vrrp_script chk {\n  script /bin/true\n}\n${INSTANCE('  track_script {\n    chk\n    nope\n    late\n  }')}vrrp_script late {\n  script /bin/true\n}\n`,
    );
    expect(data.instances[0]?.track).toEqual([{ tracker: 'chk' }]);
    expect(at(diagnostics)).toEqual(['12 unsupported nope', '13 unsupported late']);
    expect(diagnostics[0]?.message).toMatch(/track script nope not found, ignoring/);
    expect(judge(yaml, diagnostics).outcome).toBe('valid');
  });

  it('leaves out a VIP of the other family, as keepalived ignores it', async () => {
    // keepalived: "address family must match VRRP instance [fd00::1/64] - ignoring";
    // keepalived.conf(5): a mixture belongs in virtual_ipaddress_excluded.
    const { data, yaml, diagnostics } = await convert(
      INSTANCE('', '10.0.0.1/24\n    fd00::1/64\n    10.0.0.2/24'),
    );
    expect(data.instances[0]?.vips).toEqual(['10.0.0.1/24', '10.0.0.2/24']);
    expect(at(diagnostics)).toEqual(['6 unsupported fd00::1/64']);
    expect(diagnostics[0]?.message).toMatch(/address family must match VRRP instance/);
    expect(judge(yaml, diagnostics).outcome).toBe('valid');
  });

  it('takes the family from unicast_src_ip when it comes first, as keepalived does', async () => {
    const { data, diagnostics } = await convert(
      `vrrp_instance V {\n  interface eth0\n  virtual_router_id 1\n  unicast_src_ip fd00::2\n  virtual_ipaddress {\n    10.0.0.1/24\n    fd00::1/64\n  }\n}\n`,
    );
    expect(data.instances[0]?.vips).toEqual(['fd00::1/64']);
    expect(at(diagnostics).filter((d) => d.includes('unsupported'))).toEqual([
      '6 unsupported 10.0.0.1/24',
    ]);
  });
});
