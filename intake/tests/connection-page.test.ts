/**
 * The inbox's "Connection" page (issue 20, part 4) through app.request:
 * administrators only; the form is checked with zod on the server, a bad
 * field is named in Swedish or English and nothing is stored; good details
 * are stored exactly as recipients.json's promise (store/connection.ts,
 * migration 5) with an audit line that carries none of them; and a
 * publishable number is told apart from one the site has not checked.
 */
import { parse } from 'node-html-parser';
import { describe, expect } from 'vitest';
import { it } from './backend.ts';
import { promiseSchema } from '../../protocol/recipients.ts';
import { connectionDetailsSchema, publishableNumber } from '../../protocol/connection.ts';
import { socialAdviceLine } from '../../protocol/phone-numbers.ts';
import { LANG_COOKIE } from '../src/inbox/context.ts';
import { connectionText } from '../src/inbox/connection-text.ts';
import { ConnectionTable } from '../src/store/connection.ts';
import { setUp } from './inbox-helpers.ts';

const GOOD = {
  firstContactWithinHours: '24',
  hoursKind: 'set',
  hours_sv: 'vardagar 8–17',
  hours_en: 'weekdays 8–17',
  madeBy_sv: 'Malmö stad',
  since: '2026-11',
  sourceName: 'Malmö stad, socialtjänsten',
  sourceYear: '2026',
  sourceAddress: 'https://malmo.se/utvag',
  phone: '08‑508 25 600',
  phoneOwner: 'Stockholms stads socialrådgivning',
  webhook: 'https://larm.malmo.se/utvag',
};

async function inbox(recipient?: string) {
  const setup = await setUp(recipient ? { recipient } : {});
  return { ...setup, admin: setup.person('Anna', 'admin'), staff: setup.person('Bo', 'staff'), table: new ConnectionTable(setup.store.db) };
}

describe('the connection page', () => {
  it('is for administrators only', async () => {
    const { get, post, admin, staff, table } = await inbox();
    expect((await get('/connection', admin)).status).toBe(200);
    expect((await get('/connection', staff)).status).toBe(403);
    expect((await post('/connection', staff, GOOD)).status).toBe(403);
    expect((await post('/connection', undefined, GOOD)).status).not.toBe(303);
    expect(table.read().details).toBeNull();
  });

  it('stores the details as the promise recipients.json takes, and logs that, not what', async () => {
    const { get, post, admin, table, auditActions } = await inbox();
    const saved = await post('/connection', admin, GOOD);
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe('/connection?m=saved');
    const { details, savedBy } = table.read();
    expect(savedBy).toBe(admin.id);
    expect(connectionDetailsSchema.parse(details)).toEqual(details);
    expect(promiseSchema.parse(details!.promise)).toEqual(details!.promise);
    expect(details).toMatchObject({
      promise: {
        firstContactWithinHours: 24,
        hours: { sv: 'vardagar 8–17', en: 'weekdays 8–17', ar: 'vardagar 8–17' },
        madeBy: { sv: 'Malmö stad', ti: 'Malmö stad' },
        since: '2026-11',
        source: { name: 'Malmö stad, socialtjänsten', year: 2026, address: 'https://malmo.se/utvag' },
      },
      phone: { display: '08-508 25 600', tel: socialAdviceLine.tel, owner: 'Stockholms stads socialrådgivning' },
      webhook: 'https://larm.malmo.se/utvag',
    });
    expect(auditActions().at(-1)).toBe(`staff:${admin.id} connection_saved`);
    // Shown again as saved, with the number recognised as publishable.
    const page = parse(await (await get('/connection?m=saved', admin)).text());
    expect(page.querySelector('#connection-saved')).not.toBeNull();
    expect(page.querySelector('#madeBy_sv')?.getAttribute('value')).toBe('Malmö stad');
    expect(page.querySelector('#hoursKind-set')?.hasAttribute('checked')).toBe(true);
    expect(page.querySelector('#phone-listed')?.text).toBe(connectionText.sv.phoneListed);
  });

  it('names each bad field in the page language, keeps what was typed and stores nothing', async () => {
    const { post, admin, table } = await inbox();
    const bad = {
      ...GOOD,
      firstContactWithinHours: '0',
      hours_sv: '',
      sourceAddress: 'http://malmo.se/utvag',
      phone: 'ring oss',
      webhook: 'http://larm.malmo.se/',
    };
    const answer = await post('/connection', admin, bad);
    expect(answer.status).toBe(400);
    const page = parse(await answer.text());
    const listed = page.querySelectorAll('#connection-errors li').map((li) => li.text.trim());
    const w = connectionText.sv;
    expect(listed).toEqual([w.err_firstContactWithinHours, w.err_hours_sv, w.err_sourceAddress, w.err_phone, w.err_webhook]);
    expect(page.querySelector('#sourceAddress')?.getAttribute('aria-invalid')).toBe('true');
    expect(page.querySelector('#sourceAddress')?.getAttribute('value')).toBe('http://malmo.se/utvag');
    expect(table.read().details).toBeNull();

    const english = await post('/connection', admin, { ...GOOD, madeBy_sv: '' }, { cookie: `${admin.cookie}; ${LANG_COOKIE}=en` });
    expect(
      parse(await english.text())
        .querySelector('#connection-errors li')
        ?.text.trim(),
    ).toBe(connectionText.en.err_madeBy_sv);
    expect(table.read().details).toBeNull();
  });

  it('needs whose number it is, and tells a number the site has not checked', async () => {
    const { post, get, admin, table } = await inbox();
    const noOwner = parse(await (await post('/connection', admin, { ...GOOD, phoneOwner: '' })).text());
    expect(noOwner.querySelectorAll('#connection-errors li').map((li) => li.text.trim())).toEqual([connectionText.sv.err_phoneOwner]);
    expect((await post('/connection', admin, { ...GOOD, phone: '040-34 10 00', phoneOwner: 'Malmö stad' })).status).toBe(303);
    expect(table.read().details?.phone).toEqual({ display: '040-34 10 00', tel: '+4640341000', owner: 'Malmö stad' });
    const page = parse(await (await get('/connection', admin)).text());
    expect(page.querySelector('#phone-listed')?.text).toBe(connectionText.sv.phoneNotListed);
    expect(publishableNumber('040-34 10 00')).toBeNull();
    expect(publishableNumber('+46 8 508 25 600')).toEqual(socialAdviceLine);
  });

  it('needs where the promise is published', async () => {
    const { post, get, admin, table } = await inbox('malmo');
    const field = async () => parse(await (await get('/connection', admin)).text()).querySelector('#sourceAddress');
    expect((await field())?.hasAttribute('required')).toBe(true);
    const refused = parse(await (await post('/connection', admin, { ...GOOD, sourceAddress: '' })).text());
    expect(refused.querySelectorAll('#connection-errors li').map((li) => li.text.trim())).toEqual([connectionText.sv.err_sourceAddress]);
    expect(table.read().details).toBeNull();
  });

  it('lets a development recipient (a test inbox) leave out where its promise is published', async () => {
    const test = await inbox('malmo-development');
    expect(
      parse(await (await test.get('/connection', test.admin)).text())
        .querySelector('#sourceAddress')
        ?.hasAttribute('required'),
    ).toBe(false);
    expect((await test.post('/connection', test.admin, { ...GOOD, sourceAddress: '' })).status).toBe(303);
    expect(test.table.read().details?.promise.source).toEqual({ name: GOOD.sourceName, year: 2026 });
    // An address given must still be https.
    expect((await test.post('/connection', test.admin, { ...GOOD, sourceAddress: 'http://malmo.se/utvag' })).status).toBe(400);
  });
});
