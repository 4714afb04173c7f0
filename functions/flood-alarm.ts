/**
 * Content-free flood alarms (review N1, N2). The shared buckets (one
 * recipient, the whole service) no longer refuse anyone; going over them
 * is counted here and logged as at most one line per bucket and minute:
 *
 *   {"alarm":"flood","bucket":"recipient","kid":"…","over":17,"minute":"2026-12-06T02:41"}
 *
 * Nothing about a sender or a request is in it: the bucket, the recipient
 * key id (public, in /intake-keys.json) and a count. Cloudflare's log push
 * (or `wrangler tail`) carries the line to the operator's alerting; the
 * count is per isolate, so several lines a minute may come from a busy
 * location. An "alarm" line is also a `console.warn`, which Workers Logs
 * keep at warning level.
 */
export type FloodBucket = 'recipient' | 'total';

interface Tally {
  minute: string;
  over: number;
}

const tallies = new Map<string, Tally>();
/** Lines written, for tests and for anyone reading the isolate's state. */
export const floodAlarmLines: string[] = [];

function minuteOf(now: Date): string {
  return now.toISOString().slice(0, 16);
}

/** Counts one request over a shared limit; writes a line on the first of each minute and with the last minute's count. */
export function raiseFloodAlarm(bucket: FloodBucket, kid: string, now = new Date()): void {
  const name = `${bucket}|${kid}`;
  const minute = minuteOf(now);
  const tally = tallies.get(name);
  if (tally && tally.minute === minute) {
    tally.over += 1;
    return;
  }
  if (tally) write(bucket, kid, tally); // the finished minute's full count
  const fresh = { minute, over: 1 };
  tallies.set(name, fresh);
  write(bucket, kid, fresh);
}

function write(bucket: FloodBucket, kid: string, tally: Tally): void {
  const line = JSON.stringify({
    alarm: 'flood',
    bucket,
    ...(bucket === 'recipient' ? { kid } : {}),
    over: tally.over,
    minute: tally.minute,
  });
  floodAlarmLines.push(line);
  if (floodAlarmLines.length > 100) floodAlarmLines.shift();
  console.warn(line);
}
