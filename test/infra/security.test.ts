// The module's network and metadata rules: no ingress from anywhere; VRRP (protocol 112) only from
// the pair's own security group; IMDSv2 required with a hop limit of 1 on every instance.
import { describe, expect, it } from 'vitest';

import { imdsProblems, openIngressProblems, vrrpIngressProblems } from './lib/checks.js';
import { blocksOf, loadTfFiles, parseTf } from './lib/hcl.js';

async function parsed(text: string) {
  return [{ path: 'broken.tf', json: await parseTf('broken.tf', text) }];
}

const PAIR = `resource "aws_security_group" "pair" { vpc_id = "vpc-1" }
`;

describe('no ingress from 0.0.0.0/0 or ::/0', () => {
  it('holds for the module', async () => {
    expect(openIngressProblems(await loadTfFiles())).toEqual([]);
  });

  it('fails on a rule open to the world, in each of the three ways to write one', async () => {
    const files = await parsed(`${PAIR}
resource "aws_vpc_security_group_ingress_rule" "ssh" {
  security_group_id = aws_security_group.pair.id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
}
resource "aws_security_group_rule" "v6" {
  type              = "ingress"
  security_group_id = aws_security_group.pair.id
  ipv6_cidr_blocks  = ["::/0"]
  protocol          = "tcp"
  from_port         = 80
  to_port           = 80
}
resource "aws_security_group" "inline" {
  ingress {
    cidr_blocks = ["10.0.0.0/8", "0.0.0.0/0"]
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
  }
}
`);
    expect(openIngressProblems(files)).toEqual([
      'broken.tf: aws_security_group.inline: ingress from anywhere (0.0.0.0/0 or ::/0)',
      'broken.tf: aws_security_group_rule.v6: ingress from anywhere (0.0.0.0/0 or ::/0)',
      'broken.tf: aws_vpc_security_group_ingress_rule.ssh: ingress from anywhere (0.0.0.0/0 or ::/0)',
    ]);
  });
});

describe("VRRP (IP protocol 112) only from the pair's own security group", () => {
  it('holds for the module, which has such a rule', async () => {
    expect(vrrpIngressProblems(await loadTfFiles())).toEqual([]);
  });

  it('fails on protocol 112 from a range, from another group, or all protocols from another group', async () => {
    const files = await parsed(`${PAIR}
resource "aws_vpc_security_group_ingress_rule" "range" {
  security_group_id = aws_security_group.pair.id
  cidr_ipv4         = "10.0.0.0/16"
  ip_protocol       = "112"
}
resource "aws_vpc_security_group_ingress_rule" "other" {
  security_group_id            = aws_security_group.pair.id
  referenced_security_group_id = aws_security_group.other.id
  ip_protocol                  = "112"
}
resource "aws_vpc_security_group_ingress_rule" "all" {
  security_group_id            = aws_security_group.pair.id
  referenced_security_group_id = aws_security_group.other.id
  ip_protocol                  = "-1"
}
`);
    const problems = vrrpIngressProblems(files);
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/\.all: admits protocol -1/);
    expect(problems[1]).toMatch(
      /\.other: admits protocol 112 from "\$\{aws_security_group.other.id\}"/,
    );
    expect(problems[2]).toMatch(/\.range: admits protocol 112 from \["cidr_ipv4"\]/);
    expect(problems[3]).toMatch(/^no ingress rule admits VRRP/);
  });

  it('accepts self = true (aws_security_group_rule) as the own group', async () => {
    const files = await parsed(`${PAIR}
resource "aws_security_group_rule" "vrrp" {
  type              = "ingress"
  security_group_id = aws_security_group.pair.id
  self              = true
  protocol          = "112"
  from_port         = 0
  to_port           = 0
}
`);
    expect(vrrpIngressProblems(files)).toEqual([]);
  });
});

describe('IMDSv2 required, hop limit 1', () => {
  it('holds for every instance of the module', async () => {
    expect(imdsProblems(await loadTfFiles())).toEqual([]);
  });

  it('fails on optional tokens, a hop limit of 2, and a missing metadata_options', async () => {
    const files = await parsed(`
resource "aws_instance" "v1" {
  metadata_options {
    http_tokens                 = "optional"
    http_put_response_hop_limit = 1
  }
}
resource "aws_launch_template" "hops" {
  metadata_options {
    http_tokens                 = "required"
    http_put_response_hop_limit = 2
  }
}
resource "aws_instance" "bare" {}
`);
    expect(imdsProblems(files)).toEqual([
      'broken.tf: aws_instance.bare: no metadata_options block (IMDSv1 stays on by default)',
      'broken.tf: aws_instance.v1: metadata_options.http_tokens is "optional", not "required"',
      'broken.tf: aws_launch_template.hops: metadata_options.http_put_response_hop_limit is 2, not 1',
    ]);
  });
});

describe("the controller's code keeps to the candidates' ENIs", () => {
  it('Lambda\'s VPC-access grant on "*" is denied to calls from the function\'s code', async () => {
    const files = await loadTfFiles();
    const main = files.find((f) => f.path === 'modules/controller/main.tf');
    const runtime = blocksOf(main?.json ?? {}).find(
      (b) => b.type === 'aws_iam_role_policy' && b.name === 'runtime',
    );
    // hcl2json keeps the jsonencode() call as its expression text.
    const policy = String(runtime?.body.policy);
    for (const sid of ['VpcAccessNotForTheCode', 'AssignOnlyOnCandidates']) {
      const start = policy.indexOf(`"${sid}"`);
      expect(start, sid).toBeGreaterThan(0);
      const statement = policy.slice(start, policy.indexOf('}', policy.indexOf('Null', start)));
      expect(statement).toMatch(/Effect\s*=\s*"Deny"/);
      expect(statement).toMatch(/"lambda:SourceFunctionArn"\s*=\s*"false"/);
    }
    expect(policy).toMatch(/NotResource\s*=\s*local\.candidate_eni_arns/);
  });
});
