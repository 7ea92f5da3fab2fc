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
    // The timer stays referenced: it keeps the event loop alive until the sink is closed, or
    // the process would end on its own (exit code 0, not the signal) once nothing else is left.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise((resolve) => {
      timer = setTimeout(resolve, CLOSE_TIMEOUT_MS);
    });
    void Promise.race([sink.close(), timeout]).finally(() => {
      clearTimeout(timer);
      process.kill(process.pid, signal);
    });
  };
  SIGNALS.forEach((signal) => process.on(signal, onSignal));
  process.once('exit', () => sink.flushSync());
}
