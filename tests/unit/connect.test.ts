/**
 * `npm run connect` (tools/connect/): the operator's file editing and its
 * checks, against a stand-in for the Worker's operator API. Nothing is
 * written unless every check passes: a bad promise, a number that is not
 * publishable, an inbox not yet set up, a municipality served twice, a
 * missing setting each give a clear error and leave the file as it was.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTranslations } from '../../src/i18n/translator.ts';
import { identityPins, loadConnected, promiseSentence, recipientFor } from '../../src/promises/connected.ts';
import type { ConnectionDetails, OperatorConnection } from '../../protocol/connection.ts';
import { socialAdviceLine } from '../../protocol/phone-numbers.ts';
import { parseRecipients } from '../../protocol/recipients.ts';
import { runConnect, type ConnectIo } from '../../tools/connect/connect.ts';
import { withoutRecipient } from '../../tools/connect/recipients-file.ts';

const FILE = 'recipients.json';
const IDENTITY = 'I'.repeat(43);
const EMPTY = `${JSON.stringify({ v: 1, about: 'kept as it is', recipients: [] }, null, 2)}\n`;

const DETAILS: ConnectionDetails = {
  promise: {
    firstContactWithinHours: 24,
    hours: 'around-the-clock',
    madeBy: { sv: 'Malmö stad', en: 'Malmö stad', ar: 'Malmö stad', fa: 'Malmö stad', so: 'Malmö stad', ti: 'Malmö stad' },
    since: '2026-11',
    source: { name: 'Malmö stad', year: 2026, address: 'https://malmo.se/utvag' },
  },
  phone: { display: socialAdviceLine.display, tel: socialAdviceLine.tel, owner: 'Stockholms stads socialrådgivning' },
  webhook: 'https://larm.malmo.se/utvag',
};

function connection(extra: Partial<OperatorConnection> = {}): OperatorConnection {
  return { recipient: 'malmo', details: DETAILS, savedAt: 0, setUp: true, identity: IDENTITY, disconnectedAt: null, ...extra };
}

/** A run against a stand-in Worker: what it was asked, what was written, what was said. */
function harness(answer: OperatorConnection | ((path: string) => Response), text = EMPTY) {
  const files = new Map([[FILE, text]]);
  const asked: string[] = [];
  const said: string[] = [];
  const io: ConnectIo = {
    env: { UTVAG_SITE_URL: 'https://utvag.example', OPERATOR_TOKEN: 'secret' },
    fetch: (async (url: URL, init: RequestInit) => {
      const path = url.pathname.replace('/api/operator/', '');
      asked.push(
        `${init.method} ${path} ${String((init.headers as Record<string, string>)['authorization'])}${init.body ? ` ${String(init.body)}` : ''}`,
      );
      if (typeof answer === 'function') return answer(path);
      if (path === 'connection/malmo') return Response.json(answer);
      if (path === 'invite')
        return Response.json({
          recipient: 'malmo',
          link: 'https://malmo.inkorg.utvag.example/invite/t',
          expiresAt: '1970-01-01T00:00:00.000Z',
        });
      if (path === 'disconnect') return Response.json({ disconnectedAt: 0 });
      return Response.json({ recipient: 'malmo', state: 'approved' });
    }) as typeof fetch,
    readFile: (path) => files.get(path)!,
    writeFile: (path, value) => files.set(path, value),
    log: (line) => said.push(line),
  };
  const run = (...args: string[]) => runConnect([...args, '--file', FILE], io);
  return { io, run, asked, said, file: () => files.get(FILE)! };
}

describe('connect approve', () => {
  it('writes the hosted recipient (identity, promise, publishable phone, serves) and says to deploy', async () => {
    const { run, file, asked, said } = harness(connection());
    expect(await run('approve', 'malmo')).toBe(0);
    const config = parseRecipients(FILE, file());
    expect(config.about).toBe('kept as it is');
    expect(JSON.parse(file()).recipients).toEqual([
      {
        id: 'malmo',
        name: 'Malmö stad (hosted inbox)',
        serves: ['malmo'],
        promise: DETAILS.promise,
        phone: { display: socialAdviceLine.display, tel: socialAdviceLine.tel },
        identity: IDENTITY,
        hosted: true,
      },
    ]);
    expect(asked).toEqual(['GET connection/malmo Bearer secret', 'POST approve Bearer secret {"recipient":"malmo"}']);
    expect(said.join('\n')).toMatch(/first contact within 24 h, around the clock/);
    expect(said.at(-1)).toMatch(/deploy/);
    // Approving again replaces the entry, never adds a second.
    expect(await run('approve', 'malmo')).toBe(0);
    expect(parseRecipients(FILE, file()).recipients).toHaveLength(1);
    expect(said.some((line) => line.includes('connects it again'))).toBe(false);
  });

  it('refuses a bad promise with a clear error and writes nothing', async () => {
    const bad = connection({ details: { ...DETAILS, promise: { ...DETAILS.promise, since: 'last year' } } });
    const { run, file, said, asked } = harness(bad);
    expect(await run('approve', 'malmo')).toBe(1);
    expect(file()).toBe(EMPTY);
    expect(said.join('\n')).toMatch(/nothing was written[\s\S]*promise\.since: since must be YYYY/);
    expect(asked.some((line) => line.startsWith('POST approve'))).toBe(false);
  });

  it('refuses a number that is not publishable, unless approved without a phone', async () => {
    const unlisted = connection({ details: { ...DETAILS, phone: { display: '040-34 10 00', tel: '+4640341000', owner: 'Malmö stad' } } });
    const { run, file, said } = harness(unlisted);
    expect(await run('approve', 'malmo')).toBe(1);
    expect(file()).toBe(EMPTY);
    expect(said.join('\n')).toMatch(/040-34 10 00 \(Malmö stad\) is not publishable[\s\S]*--without-phone/);
    expect(await run('approve', 'malmo', '--without-phone')).toBe(0);
    expect(parseRecipients(FILE, file()).recipients[0]?.phone).toBeUndefined();
  });

  it('waits for the administrator: a passkey, the vault identity and the Connection page', async () => {
    const { run, file, said } = harness(connection({ setUp: false, identity: null, details: null }));
    expect(await run('approve', 'malmo')).toBe(1);
    expect(file()).toBe(EMPTY);
    expect(said.filter((line) => line.startsWith('  - '))).toHaveLength(3);
  });

  it('connects <municipality>-development as a development recipient, which alone may leave out where its promise is published', async () => {
    const unsourced = { ...DETAILS.promise, source: { name: DETAILS.promise.source.name, year: DETAILS.promise.source.year } };
    const development = connection({ recipient: 'malmo-development', details: { ...DETAILS, promise: unsourced } });
    const { run, file } = harness((path) => (path === 'connection/malmo-development' ? Response.json(development) : Response.json({})));
    expect(await run('approve', 'malmo-development')).toBe(0);
    expect(JSON.parse(file()).recipients).toEqual([
      expect.objectContaining({ id: 'malmo-development', development: true, serves: ['malmo'], promise: unsourced, hosted: true }),
    ]);
    const production = harness(connection({ details: { ...DETAILS, promise: unsourced } }));
    expect(await production.run('approve', 'malmo')).toBe(1);
    expect(production.file()).toBe(EMPTY);
    expect(production.said.join('\n')).toMatch(/promise\.source\.address is required/);
    const unknown = harness(connection());
    expect(await unknown.run('approve', 'nowhere-development')).toBe(1);
    expect(unknown.said.join('\n')).toMatch(/"nowhere-development" is not a municipality id/);
  });

  it('refuses a municipality another recipient already serves', async () => {
    const other = {
      ...JSON.parse(EMPTY),
      recipients: [{ id: 'malmo-old', name: 'x', serves: ['malmo'], promise: DETAILS.promise, identity: IDENTITY, hosted: true }],
    };
    const text = `${JSON.stringify(other, null, 2)}\n`;
    const { run, file, said } = harness(connection(), text);
    expect(await run('approve', 'malmo')).toBe(1);
    expect(file()).toBe(text);
    expect(said.join('\n')).toMatch(/"malmo" is served by both "malmo-old" and "malmo"/);
  });
});

describe('the site after approve', () => {
  it('says the municipality is connected, with its promise and pinned identity, from the written file', async () => {
    const { run, file } = harness(connection());
    expect(await run('approve', 'malmo')).toBe(0);
    const written = join(mkdtempSync(join(tmpdir(), 'utvag-connect-')), 'recipients.json');
    writeFileSync(written, file());
    const config = loadConnected(written);
    const recipient = recipientFor('malmo', config);
    expect(recipient?.hosted).toBe(true);
    expect(recipientFor('stockholm', config)).toBeUndefined();
    expect(JSON.parse(identityPins(config))).toEqual({ malmo: IDENTITY });
    expect(promiseSentence(useTranslations('sv'), recipient!)).toMatch(
      /^Malmö stad har lovat en första kontakt inom 24 timmar, dygnet runt/,
    );
  });
});

describe('connect invite, disconnect and settings', () => {
  it('prints the setup link and when it expires', async () => {
    const { run, said, asked } = harness(connection());
    expect(await run('invite', 'malmo', '--name', 'Anna Andersson')).toBe(0);
    expect(asked).toEqual(['POST invite Bearer secret {"recipient":"malmo","name":"Anna Andersson"}']);
    expect(said).toContain('https://malmo.inkorg.utvag.example/invite/t');
    expect(said[0]).toMatch(/works once, until 1970-01-01 01:00:00/);
  });

  it('approves a disconnected municipality again, and says so', async () => {
    const { run, said } = harness(connection({ disconnectedAt: 0 }));
    expect(await run('approve', 'malmo')).toBe(0);
    expect(said).toContain('It was disconnected on 1970-01-01 01:00:00: this connects it again.');
  });

  it('disconnects: tells the inbox, removes the recipient, keeps the rest of the file', async () => {
    const { run, file } = harness(connection());
    await run('approve', 'malmo');
    const { run: again, file: after, asked, said } = harness(connection(), file());
    expect(await again('disconnect', 'malmo')).toBe(0);
    expect(asked).toEqual(['POST disconnect Bearer secret {"recipient":"malmo"}']);
    expect(after()).toBe(EMPTY);
    expect(said.join('\n')).toMatch(/keeps every stored request/);
    expect(withoutRecipient(FILE, EMPTY, 'malmo')).toBeNull();
  });

  it('names a missing setting, an unknown municipality, a refused token, and writes nothing', async () => {
    const { io, run, file, said, asked } = harness(() => Response.json({ error: 'unauthorized' }, { status: 401 }));
    expect(await runConnect(['approve', 'malmo', '--file', FILE], { ...io, env: {} })).toBe(1);
    expect(said.join('\n')).toMatch(/UTVAG_SITE_URL is not set[\s\S]*OPERATOR_TOKEN is not set/);
    expect(await run('invite', 'atlantis')).toBe(1);
    expect(said.join('\n')).toMatch(/"atlantis" is not a municipality id/);
    expect(asked).toEqual([]);
    expect(await run('approve', 'malmo')).toBe(1);
    expect(said.join('\n')).toMatch(/refused OPERATOR_TOKEN/);
    expect(file()).toBe(EMPTY);
    expect(await run('approve')).toBe(2);
  });
});
