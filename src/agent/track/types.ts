// Tracker configuration (normalised from floatd.yaml `trackers:`) and the results trackers produce.

interface TrackerCommon {
  readonly name: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /** -254..254; 0 = the instance is in FAULT while this tracker is failed (keepalived). */
  readonly weight: number;
  /** Consecutive successes to go OK. */
  readonly rise: number;
  /** Consecutive failures to go FAILED. */
  readonly fall: number;
  /** keepalived `init_fail`: start FAILED instead of undecided. */
  readonly initFail?: boolean;
}

export interface ScriptTrackerConfig extends TrackerCommon {
  readonly type: 'script';
  /** Absolute path, run without a shell. */
  readonly script: string;
  readonly args?: readonly string[];
  /** User name or numeric uid to run the script as (keepalived `user`). */
  readonly user?: string;
  /** Group name or gid (keepalived `user USER GROUP`); default: the user's primary group. */
  readonly group?: string;
}

export interface HttpTrackerConfig extends TrackerCommon {
  readonly type: 'http';
  readonly url: string;
  readonly expectStatus: number;
  /** false: any certificate is accepted (https:// to a service with a self-signed one). */
  readonly tlsVerify?: boolean;
}

export interface TcpTrackerConfig extends TrackerCommon {
  readonly type: 'tcp';
  readonly host: string;
  readonly port: number;
}

export interface FileTrackerConfig extends TrackerCommon {
  readonly type: 'file';
  readonly path: string;
}

export interface ProcessTrackerConfig extends TrackerCommon {
  readonly type: 'process';
  /** Exact match against /proc/<pid>/comm (keepalived track_process, like `pgrep '^name$'`). */
  readonly process: string;
  readonly minProcesses: number;
}

export type TrackerConfig =
  | ScriptTrackerConfig
  | HttpTrackerConfig
  | TcpTrackerConfig
  | FileTrackerConfig
  | ProcessTrackerConfig;

export type TrackerType = TrackerConfig['type'];

/** One entry of an instance's `track:` list. */
export type TrackEntry =
  | { readonly tracker: string; readonly weight?: number }
  | { readonly interface: string; readonly weight?: number };

/** The outcome of one check run. */
export interface CheckOutcome {
  readonly ok: boolean;
  readonly timedOut?: boolean;
  /** File trackers: the integer read (0 when unreadable). */
  readonly value?: number;
  /** Why it failed, for the log. */
  readonly detail?: string;
}

/** 'init': no decision yet (keepalived VRRP_SCRIPT_STATUS_INIT): contributes nothing. */
export type TrackerHealth = 'init' | 'ok' | 'failed';

export interface TrackerState {
  readonly health: TrackerHealth;
  /** File trackers: the last value read. */
  readonly value?: number;
}

export interface TrackerCounters {
  ok: number;
  failed: number;
  timeouts: number;
}
