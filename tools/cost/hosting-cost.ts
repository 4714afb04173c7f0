/**
 * What hosting municipalities' inboxes costs on Cloudflare (issue 20, part 6):
 * a model, not a measurement. Prices are Cloudflare's published prices for
 * the Workers Paid plan as checked on PRICES_CHECKED (sources below); the
 * traffic per request and per month are this project's assumptions, each
 * named, so anyone can change one and run `npm run cost`. README's table
 * ("What hosting costs") is printed by this file, and a unit test checks
 * that the README still says what the model computes.
 */
import { fileURLToPath } from 'node:url';

export const PRICES_CHECKED = '2026-12-06';

/** USD, Workers Paid plan: what is included each month, and the price beyond it. */
export const PRICES = {
  planBase: { usdPerMonth: 5, source: 'https://developers.cloudflare.com/workers/platform/pricing/' },
  workerRequests: { included: 10_000_000, usdPerMillion: 0.3, source: 'https://developers.cloudflare.com/workers/platform/pricing/' },
  durableObjectRequests: {
    included: 1_000_000,
    usdPerMillion: 0.15,
    source: 'https://developers.cloudflare.com/durable-objects/platform/pricing/',
  },
  /** Billed for the 128 MB an object is given, whatever it uses. */
  durableObjectGbSeconds: {
    included: 400_000,
    usdPerMillion: 12.5,
    source: 'https://developers.cloudflare.com/durable-objects/platform/pricing/',
  },
  sqliteRowsWritten: {
    included: 50_000_000,
    usdPerMillion: 1,
    source: 'https://developers.cloudflare.com/durable-objects/platform/pricing/',
  },
  sqliteRowsRead: {
    included: 25_000_000_000,
    usdPerMillion: 0.001,
    source: 'https://developers.cloudflare.com/durable-objects/platform/pricing/',
  },
  sqliteStoredGbMonth: { included: 5, usdPerUnit: 0.2, source: 'https://developers.cloudflare.com/durable-objects/platform/pricing/' },
  /** One operation per 64 KB written, read or deleted: a delivered message is three. */
  queueOperations: { included: 1_000_000, usdPerMillion: 0.4, source: 'https://developers.cloudflare.com/queues/platform/pricing/' },
  kvReads: { included: 10_000_000, usdPerMillion: 0.5, source: 'https://developers.cloudflare.com/kv/platform/pricing/' },
  kvWrites: { included: 1_000_000, usdPerMillion: 5, source: 'https://developers.cloudflare.com/kv/platform/pricing/' },
} as const;

/**
 * The traffic model. Per contact request: what the person's browser, the
 * queue and the team's handling cause. Per municipality and month: what a
 * connected inbox costs with no request at all.
 */
export const ASSUMPTIONS = {
  /** POST /api/contact, /intake-keys.json, and a few answer look-ups by the person. */
  workerRequestsPerContact: 6,
  /** Queue write, read and delete; one retry in ten. */
  queueOperationsPerContact: 3.1,
  /** Delivery (one RPC), alarms (new, 6 h and 2 h left), and the team's handling in the inbox: opening, claiming, a note, a reply, closing. */
  objectRequestsPerContact: 1 + 3 + 40,
  /** Rows a request writes in its object: the request, its envelope, audit lines, a note, a reply, status changes. */
  rowsWrittenPerContact: 20,
  /** An envelope with its row, notes and replies, kept until retention deletes it (30 days after closing). */
  storedKbPerContact: 24,
  /** Reply written to KV for the person; the key statement on rotation is in the monthly part. */
  kvWritesPerContact: 1,
  kvReadsPerContact: 4,
  /** Wall-clock time an object is active per request it serves, in seconds (billed at 128 MB). */
  objectSecondsPerRequest: 0.05,
  /**
   * A connected inbox with no request: the daily heartbeat alarm; the team
   * opening it three times a day (10 calls each); and one screen keeping it
   * open 8 hours a day, whose page asks for the counts every minute
   * (inbox.js, for its notifications).
   */
  objectRequestsPerMonth: 30 + 3 * 10 * 30 + 8 * 60 * 30,
  /** Rows an inbox call reads (a list page reads its page of requests and their counts). */
  rowsReadPerObjectRequest: 200,
  /** An object's empty database and its tables (Cloudflare: about 12 KB for an empty database). */
  storedKbPerMunicipality: 100,
  /** Key statements: one rotation a quarter, written once. */
  kvWritesPerMonth: 1,
} as const;

export interface MonthlyUsage {
  workerRequests: number;
  durableObjectRequests: number;
  durableObjectGbSeconds: number;
  sqliteRowsWritten: number;
  sqliteRowsRead: number;
  sqliteStoredGbMonth: number;
  queueOperations: number;
  kvReads: number;
  kvWrites: number;
}

/** Usage in a month for `municipalities` hosted inboxes, each receiving `requestsEach` contact requests. */
export function monthlyUsage(municipalities: number, requestsEach: number, a = ASSUMPTIONS): MonthlyUsage {
  const contacts = municipalities * requestsEach;
  const objectRequests = contacts * a.objectRequestsPerContact + municipalities * a.objectRequestsPerMonth;
  return {
    // Every inbox call reaches its object through the Worker.
    workerRequests: contacts * a.workerRequestsPerContact + objectRequests,
    durableObjectRequests: objectRequests,
    durableObjectGbSeconds: objectRequests * a.objectSecondsPerRequest * 0.128,
    sqliteRowsWritten: contacts * a.rowsWrittenPerContact,
    sqliteRowsRead: objectRequests * a.rowsReadPerObjectRequest,
    sqliteStoredGbMonth: (contacts * a.storedKbPerContact + municipalities * a.storedKbPerMunicipality) / 1_000_000,
    queueOperations: contacts * a.queueOperationsPerContact,
    kvReads: contacts * a.kvReadsPerContact,
    kvWrites: contacts * a.kvWritesPerContact + municipalities * a.kvWritesPerMonth,
  };
}

function beyond(used: number, price: { included: number; usdPerMillion?: number; usdPerUnit?: number }): number {
  const over = Math.max(0, used - price.included);
  return price.usdPerMillion !== undefined ? (over / 1_000_000) * price.usdPerMillion : over * (price.usdPerUnit ?? 0);
}

/** USD a month beyond the plan's base: what hosting these inboxes adds. */
export function usageCost(usage: MonthlyUsage): number {
  return (Object.keys(usage) as (keyof MonthlyUsage)[]).reduce((sum, key) => sum + beyond(usage[key], PRICES[key]), 0);
}

export interface CostRow {
  municipalities: number;
  requestsEach: number;
  objectRequests: number;
  usageUsd: number;
  totalUsd: number;
}

/** The README's table: one municipality at 10, 100 and 1,000 requests a month, and all 290 at each. */
export function costTable(allMunicipalities = 290): CostRow[] {
  const rows: CostRow[] = [];
  for (const municipalities of [1, allMunicipalities]) {
    for (const requestsEach of [10, 100, 1000]) {
      const usage = monthlyUsage(municipalities, requestsEach);
      const usageUsd = usageCost(usage);
      rows.push({
        municipalities,
        requestsEach,
        objectRequests: usage.durableObjectRequests,
        usageUsd,
        totalUsd: PRICES.planBase.usdPerMonth + usageUsd,
      });
    }
  }
  return rows;
}

const usd = (value: number) => `$${value.toFixed(2)}`;
const count = (value: number) => Math.round(value).toLocaleString('en-US');

/** The table as Markdown, exactly as README has it. */
export function costTableMarkdown(): string {
  const lines = [
    '| hosted municipalities | requests a month, each | inbox calls a month | beyond the plan | with the plan ($5) |',
    '| ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const row of costTable()) {
    lines.push(
      `| ${count(row.municipalities)} | ${count(row.requestsEach)} | ${count(row.objectRequests)} | ${usd(row.usageUsd)} | ${usd(row.totalUsd)} |`,
    );
  }
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) console.log(costTableMarkdown());
