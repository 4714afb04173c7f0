/**
 * Sends an alert from the self-hosted intake (Node): runs the configured
 * command with the JSON on its standard input (no shell) and/or POSTs it to
 * the configured URL (alerts.ts says what an alert holds: counts only).
 */
import { execFile } from 'node:child_process';
import { alertLogLine, postAlert, type AlertConfig, type AlertMessage, type WatchAlertMessage } from './alerts.ts';

export async function deliverAlert(
  config: AlertConfig,
  message: AlertMessage | WatchAlertMessage,
  log: (line: string) => void,
): Promise<void> {
  if (config.command) {
    const [program, ...args] = config.command.split(' ').filter(Boolean);
    await new Promise<void>((resolve) => {
      const child = execFile(program!, args, { timeout: 30_000 }, (error) => {
        if (error) log(`alert: command failed (${(error as NodeJS.ErrnoException).code ?? error.name})`);
        resolve();
      });
      child.stdin?.end(JSON.stringify(message));
    });
  }
  if (config.url) await postAlert(config.url, message, log);
  log(alertLogLine(message));
}
