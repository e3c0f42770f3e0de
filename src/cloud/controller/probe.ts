// A candidate's health check from inside the VPC: the same TCP and HTTP probes the agent's
// trackers use (src/probe). HTTP is healthy on 200.
import { runHttpCheck } from '../../probe/http.js';
import { runTcpCheck } from '../../probe/tcp.js';
import type { ProbeOutcome } from '../../probe/types.js';
import type { Candidate, HealthSettings } from './logic/types.js';

export type CandidateProbe = (
  candidate: Candidate,
  health: HealthSettings,
) => Promise<ProbeOutcome>;

export const probeCandidate: CandidateProbe = (candidate, { check, timeoutMs }) =>
  check.type === 'tcp'
    ? runTcpCheck({ host: candidate.address, port: check.port, timeoutMs })
    : runHttpCheck({
        url: `http://${candidate.address}:${check.port}${check.path}`,
        expectStatus: 200,
        timeoutMs,
      });
