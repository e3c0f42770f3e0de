// Time for the driver: real (monotonic) in the daemon, simulated in the simulation.

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Monotonic milliseconds; only differences matter. */
  nowMs(): number;
  /** Call `fire` once at or after the absolute time `atMs`. */
  setTimer(atMs: number, fire: () => void): TimerHandle;
}

/** The process's monotonic clock: never jumps with NTP or an operator's `date`. */
export const systemClock: Clock = {
  nowMs: () => performance.now(),
  setTimer(atMs, fire) {
    const handle = setTimeout(fire, Math.max(0, atMs - performance.now()));
    return { cancel: () => clearTimeout(handle) };
  },
};
