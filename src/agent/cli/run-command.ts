// `floatd run -c FILE`: load the configuration, start the agent, stop gracefully on a signal.
import { installSignalRelease } from '../io/signal-release.js';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { configWarnings } from '../config/config-warnings.js';
import { ConfigError } from '../config/config-error.js';
import { loadConfigIsolated } from '../config/load-config-isolated.js';
import type { FloatdConfig } from '../config/schema.js';
import { Agent, StartupError } from '../daemon/agent.js';
import { createHostDeps } from '../daemon/host-deps.js';
import {
  effectiveCapabilities,
  missingCapabilities,
  missingCapabilitiesLine,
  type Capability,
} from '../process/capabilities.js';
import { releaseStartupMemory } from '../process/startup-memory.js';
import { EXIT, EXIT_CODES_HELP } from './exit-codes.js';
import type { LogFormat, LogLevel } from './logging.js';
import { createLogger } from './logging.js';
import { startStatusServer, type StatusServer } from '../status/status-server.js';

export const DEFAULT_CONFIG_PATH = '/etc/floatd/floatd.yaml';

const USAGE = `Usage: floatd run [-c FILE] [--log-level LEVEL] [--log-format json|pretty]

Runs the VRRP agent: every instance in FILE (default ${DEFAULT_CONFIG_PATH}).
Needs root (or CAP_NET_RAW and CAP_NET_ADMIN) for raw sockets and addresses.

Options:
  -c, --config FILE     the configuration (see examples/floatd.yaml)
  --log-level LEVEL     trace|debug|info|warn|error (default: the config's, else info)
  --log-format FORMAT   json|pretty (default: pretty on a terminal, else the config's)
  -h, --help            this text

Signals: SIGTERM and SIGINT stop gracefully: a MASTER sends a priority-0 advert so a backup
takes over within its Skew_Time, then removes its VIPs. A second signal exits at once.
SIGUSR1 logs the status of every instance and socket (states, counters, drops by reason).
SIGHUP (or \`floatd reload\`) re-reads FILE. Unchanged instances keep their state; a changed
priority, VIP list, notify or track is applied in place; an instance with other changes
restarts alone; added and removed instances start and stop. A file that is invalid, or changes
the cloud, status or notifyFifo sections, is refused and the running configuration stays.
The same status is served as JSON at /status, and metrics at /metrics, on the config's
status.listen (default 127.0.0.1:9657); \`floatd status\` prints it as a table.

${EXIT_CODES_HELP}`;

interface Io {
  stdout(s: string): void;
  stderr(s: string): void;
}

const LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error'];

export async function runRun(argv: string[], io: Io): Promise<number> {
  let values: { config?: string; 'log-level'?: string; 'log-format'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        config: { type: 'string', short: 'c' },
        'log-level': { type: 'string' },
        'log-format': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    io.stderr(`floatd run: ${(error as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (values.help === true) {
    io.stdout(USAGE);
    return EXIT.ok;
  }
  const level = values['log-level'];
  if (level !== undefined && !LEVELS.includes(level as LogLevel)) {
    io.stderr(`floatd run: --log-level must be one of ${LEVELS.join(', ')}, got "${level}"`);
    return EXIT.usage;
  }
  const format = values['log-format'];
  if (format !== undefined && format !== 'json' && format !== 'pretty') {
    io.stderr(`floatd run: --log-format must be json or pretty, got "${format}"`);
    return EXIT.usage;
  }

  let config: FloatdConfig;
  try {
    config = await loadConfigIsolated(values.config ?? DEFAULT_CONFIG_PATH);
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr(error.message);
      return EXIT.config;
    }
    throw error;
  }

  const logger = createLogger(
    (level as LogLevel | undefined) ?? config.log.level,
    (format as LogFormat | undefined) ?? (process.stdout.isTTY ? 'pretty' : config.log.format),
  );
  const missing = missingCapabilitiesFor(config);
  if (missing !== undefined) {
    io.stderr(`floatd run: ${missing}`);
    return EXIT.startup;
  }

  // A SIGHUP while starting (say, a reload right after a start) must not end the process, which
  // is Node's default: it is remembered and applied once the agent runs.
  let hupWhileStarting = false;
  const earlyHup = (): void => {
    hupWhileStarting = true;
  };
  process.on('SIGHUP', earlyHup);
  for (const warning of configWarnings(config)) logger.warn({ event: 'config-warning' }, warning);
  let agent: Agent;
  try {
    agent = await Agent.start(config, createHostDeps(logger));
  } catch (error) {
    if (error instanceof StartupError) {
      logger.fatal({ err: error }, error.message);
      logger.flush();
      io.stderr(`floatd run: ${error.message}`);
      return EXIT.startup;
    }
    throw error;
  }
  // Status and metrics are for people and Prometheus: a port in use is reported, not fatal.
  let statusServer: StatusServer | undefined;
  if (config.status !== false) {
    try {
      statusServer = await startStatusServer({
        listen: config.status.listen,
        status: () => agent.status(),
        registry: agent.registry,
        logger,
      });
    } catch (error) {
      logger.error(
        { err: error, listen: config.status.listen },
        'cannot serve /status and /metrics; running without them',
      );
    }
  }
  logger.info(
    {
      config: values.config ?? DEFAULT_CONFIG_PATH,
      instances: config.instances.length,
      status: statusServer?.url,
    },
    'floatd running',
  );
  releaseStartupMemory(logger);
  // Again once settled: cloud targets load the AWS SDK and make their first calls after start.
  setTimeout(() => releaseStartupMemory(logger), SETTLED_AFTER_MS).unref();

  return new Promise<number>((resolve) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals): void => {
      signals++;
      if (signals > 1) {
        logger.warn({ signal }, 'second signal: exiting without waiting');
        resolve(EXIT.ok);
        return;
      }
      // The priority-0 adverts go out synchronously inside stop(): start it before anything
      // else (even the log line), so a backup starts its Skew_Time as early as possible.
      const stopped = agent.stop();
      logger.info({ signal }, 'stopping: handed over, removing VIPs');
      void statusServer?.close();
      stopped.then(
        () => {
          logger.info('stopped');
          resolve(EXIT.ok);
        },
        (error: unknown) => {
          logger.error({ err: error }, 'stop failed');
          resolve(EXIT.fatal);
        },
      );
    };
    const reloadFrom = async (path: string): Promise<void> => {
      const plan = await agent.reloadFrom(() => loadConfigIsolated(path));
      releaseStartupMemory(logger);
      // The agent logs what a reload did; a refusal is said here.
      if (!plan.ok) {
        logger.error(
          { event: 'reload-refused', why: plan.why },
          `reload refused, the running configuration stays: ${plan.why}`,
        );
      }
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    // After those: the native handler sends the MASTERs' priority-0 adverts, then runs Node's.
    try {
      installSignalRelease();
      agent.armReleases();
    } catch (error) {
      logger.warn(
        { err: error },
        'priority-0 adverts will leave from the signal listener (about 1-3 ms later)',
      );
    }
    // Like keepalived's SIGUSR1 data dump: the full status, as one log line.
    process.on('SIGUSR1', () => logger.info({ event: 'status', status: agent.status() }, 'status'));
    // Reload: a new file that is invalid, or changes what cannot change while running, leaves
    // the running configuration in place and says why.
    process.on('SIGHUP', () => {
      void reloadFrom(values.config ?? DEFAULT_CONFIG_PATH);
    });
    process.off('SIGHUP', earlyHup);
    if (hupWhileStarting) void reloadFrom(values.config ?? DEFAULT_CONFIG_PATH);
    process.on('uncaughtException', (error) => {
      logger.fatal({ err: error }, 'uncaught exception: stopping');
      void agent.stop().finally(() => resolve(EXIT.fatal));
    });
  }).then((code) => {
    logger.flush();
    // Timers of adapters must not keep a stopped agent alive.
    setTimeout(() => process.exit(code), 50).unref();
    return code;
  });
}

/** By then a MASTER has claimed its cloud targets, a BACKUP has looked at them (bench:cloud). */
const SETTLED_AFTER_MS = 10_000;

/** The line saying which capabilities `config` needs and this process lacks; undefined: none. */
function missingCapabilitiesFor(config: FloatdConfig): string | undefined {
  let status: string;
  try {
    status = readFileSync('/proc/self/status', 'utf8');
  } catch {
    return undefined; // not Linux's procfs: the sockets themselves will say
  }
  const effective = effectiveCapabilities(status);
  if (effective === undefined) return undefined;
  // Every instance speaks VRRP on a raw socket; only VIPs need address changes.
  const needed: Capability[] = ['CAP_NET_RAW'];
  if (config.instances.some((i) => i.vips.length > 0)) needed.push('CAP_NET_ADMIN');
  const missing = missingCapabilities(effective, needed);
  return missing.length === 0 ? undefined : missingCapabilitiesLine(missing);
}
