// Network probes shared by the agent's trackers and the serverless controller's health checks
// (src/cloud never imports src/agent, so they live beside both).

export interface ProbeOutcome {
  readonly ok: boolean;
  readonly timedOut?: boolean;
  /** Why it failed, for the log. */
  readonly detail?: string;
}

/** Healthy when a TCP connection is established within the timeout. */
export interface TcpProbe {
  readonly host: string;
  readonly port: number;
  readonly timeoutMs: number;
}

/** Healthy when a GET answers `expectStatus` within the timeout. */
export interface HttpProbe {
  readonly url: string;
  readonly expectStatus: number;
  readonly timeoutMs: number;
  /** false: any certificate is accepted (https:// to a service with a self-signed one). */
  readonly tlsVerify?: boolean | undefined;
}
