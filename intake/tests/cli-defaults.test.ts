import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultIntakeDir, helpText, runCli, UsageError } from '../src/cli.ts';
import { COMMANDS } from '../src/cli/commands.ts';
import { parseConfig } from '../src/config.ts';

describe('intake command defaults', () => {
  it('keeps the intake folder (and its private keys) outside the working folder', () => {
    const fromHere = relative(process.cwd(), defaultIntakeDir());
    expect(fromHere.startsWith('..')).toBe(true);
  });
});

describe('intake configuration (flags and environment, parsed once)', () => {
  const defaults = { retentionDays: 30 };

  it('takes a flag over the environment, and the environment over the default', () => {
    expect(parseConfig(['list'], { UTVAG_INTAKE_DIR: '/srv/a', UTVAG_RETENTION_DAYS: '45' }, defaults)).toMatchObject({
      command: 'list',
      dir: '/srv/a',
      retentionDays: 45,
    });
    expect(
      parseConfig(
        ['list', '--dir', '/srv/b', '--retention-days', '7'],
        { UTVAG_INTAKE_DIR: '/srv/a', UTVAG_RETENTION_DAYS: '45' },
        defaults,
      ),
    ).toMatchObject({ dir: '/srv/b', retentionDays: 7 });
    expect(parseConfig(['list'], { UTVAG_INTAKE_DIR: '' }, defaults)).toMatchObject({ dir: defaultIntakeDir(), retentionDays: 30 });
  });

  it('refuses a value it cannot use, naming the flag', () => {
    expect(() => parseConfig(['keygen', '--days', '401'], {}, defaults)).toThrow(
      new UsageError('--days must be a whole number from 1 to 400'),
    );
    expect(() => parseConfig(['list'], { UTVAG_RETENTION_DAYS: 'soon' }, defaults)).toThrow(
      '--retention-days must be a whole number of days, at least 1',
    );
    expect(() => parseConfig(['serve', '--push-port', '70000'], {}, defaults)).toThrow(
      '--push-port must be a whole number from 0 to 65535',
    );
    expect(() => parseConfig(['list', '--no-such-flag'], {}, defaults)).toThrow(UsageError);
  });

  it('says which options a command ignores, and refuses an unknown command', async () => {
    const err: string[] = [];
    const io = { out: () => undefined, err: (line: string) => err.push(line) };
    await expect(runCli(['keyset', 'no-such-recipients.json', '--days', '3', '--url', 'http://x'], io, {})).rejects.toThrow(
      /no-such-recipients\.json/,
    );
    expect(err).toEqual(['keyset ignores --days, --url']);
    await expect(runCli(['frobnicate'], io, {})).rejects.toThrow('unknown command "frobnicate"');
  });

  it('lists every command of the table in the help, once', () => {
    const help = helpText();
    for (const command of COMMANDS)
      expect(
        help.split('\n').filter((line) => line.startsWith(`  ${command.name} `) || line === `  ${command.name}`).length,
        command.name,
      ).toBeGreaterThan(0);
    expect(new Set(COMMANDS.map((command) => command.name)).size).toBe(COMMANDS.length);
  });
});
