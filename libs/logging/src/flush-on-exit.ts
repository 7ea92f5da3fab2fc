import type { LogFileSink } from './log-file-sink';

const SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];
// A disk that does not answer must not keep a stopping process alive.
const CLOSE_TIMEOUT_MS = 3000;

/**
 * Keeps the sink's last lines on a normal shutdown. Nest's shutdown hooks end by removing their
 * signal listener and raising the signal again, whose default action kills the process at once,
 * buffered lines included. This listener does nothing while another one handles the signal;
 * once it is the last, it closes the sink and lets the signal take its course. `exit` (a
 * `process.exit` anywhere) gets a synchronous flush.
 */
export function flushOnExit(sink: LogFileSink): void {
  const onSignal = (signal: NodeJS.Signals): void => {
    if (process.listenerCount(signal) > 1) {
      return;
    }
    SIGNALS.forEach((s) => process.removeListener(s, onSignal));
    const timeout = new Promise((resolve) => setTimeout(resolve, CLOSE_TIMEOUT_MS).unref());
    void Promise.race([sink.close(), timeout]).finally(() => process.kill(process.pid, signal));
  };
  SIGNALS.forEach((signal) => process.on(signal, onSignal));
  process.once('exit', () => sink.flushSync());
}
