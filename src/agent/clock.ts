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

/**
 * systemClock for protocol timers: a timer fires after the I/O that is already waiting. libuv
 * runs expired timers before it polls for I/O, so after the event loop stalled (startup work,
 * a GC pause, a loaded host) a Master_Down_Timer would otherwise fire before the adverts that
 * arrived during the stall are read, and a BACKUP would take over from a live MASTER.
 * setImmediate runs after that poll; with nothing waiting it costs one loop turn.
 */
export const ioFirstClock: Clock = {
  nowMs: systemClock.nowMs,
  setTimer(atMs, fire) {
    let immediate: NodeJS.Immediate | undefined;
    const timer = systemClock.setTimer(atMs, () => {
      immediate = setImmediate(fire);
    });
    return {
      cancel: () => {
        timer.cancel();
        if (immediate !== undefined) clearImmediate(immediate);
      },
    };
  },
};
