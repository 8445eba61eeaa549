import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import Stripe from 'stripe';

/**
 * A local stand-in for Stripe's API, enough for the Stripe rail: transfers (create with
 * idempotency keys, list with transfer_group / created filters and cursor pagination), connected
 * accounts, account links, and webhook events signed with the same scheme as Stripe's
 * (Stripe.webhooks.generateTestHeaderString). It records every request it receives, headers
 * included, so tests can count transfers and read the Idempotency-Key of each call.
 *
 * Scripted behaviour for the next transfer creations (`failNextTransfers`): an HTTP error, or
 * "accept, then answer too late" (the transfer exists but the SDK times out). `forgetIdempotencyKeys`
 * plays Stripe after its ~24 h memory has gone.
 */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  idempotencyKey: string | null;
  body: Record<string, string>;
  at: number;
}

export interface FakeTransfer {
  id: string;
  object: 'transfer';
  amount: number;
  amount_reversed: number;
  currency: string;
  destination: string;
  transfer_group: string | null;
  reversed: boolean;
  created: number;
  livemode: false;
  metadata: Record<string, string>;
  reversals: { object: 'list'; data: unknown[]; has_more: false; url: string };
}

export type TransferScript = { status: number; type?: string; code?: string; message?: string } | { acceptThenDelayMs: number } | { neverAnswer: true };

export interface FakeStripe {
  url: string;
  host: string;
  port: number;
  requests: RecordedRequest[];
  transfers: FakeTransfer[];
  accounts: Map<string, { id: string; charges_enabled: boolean; payouts_enabled: boolean; metadata: Record<string, string> }>;
  /** Where transfer events are delivered (signed) when set. */
  webhookUrl: string | null;
  webhookSecret: string;
  forgetIdempotencyKeys: boolean;
  failNextTransfers: (...scripts: TransferScript[]) => void;
  transferCreations: () => RecordedRequest[];
  /** A transfer made outside the platform (reconciliation tests). */
  injectTransfer: (t: Partial<FakeTransfer> & { amount: number; destination: string }) => FakeTransfer;
  reverse: (transferId: string, amount?: number) => FakeTransfer;
  event: (type: string, object: unknown, account?: string) => { id: string; payload: string };
  sign: (payload: string, secret?: string) => string;
  deliver: (type: string, object: unknown, account?: string) => Promise<number>;
  /** Resolves when every webhook delivery started so far has finished. */
  settled: () => Promise<void>;
  close: () => Promise<void>;
}

const SIGNER = new Stripe('sk_test_signer');

function parseForm(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(text)) out[k] = v;
  return out;
}

function nested(body: Record<string, string>, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) {
    const m = new RegExp(`^${prefix}\\[([^\\]]+)\\]$`).exec(k);
    if (m) out[m[1]] = v;
  }
  return out;
}

const id = (prefix: string) => `${prefix}_${randomBytes(8).toString('hex')}`;

export async function startFakeStripe(options: { webhookSecret?: string } = {}): Promise<FakeStripe> {
  const requests: RecordedRequest[] = [];
  const transfers: FakeTransfer[] = [];
  const accounts: FakeStripe['accounts'] = new Map();
  const idempotent = new Map<string, { status: number; body: unknown }>();
  const scripts: TransferScript[] = [];
  const deliveries = new Set<Promise<unknown>>();
  const hanging = new Set<http.ServerResponse>();

  const fake = {} as FakeStripe;

  const error = (res: http.ServerResponse, status: number, type: string, message: string, code?: string) => {
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': id('req') });
    res.end(JSON.stringify({ error: { type, message, ...(code ? { code } : {}) } }));
  };
  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    if (res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': id('req') });
    res.end(JSON.stringify(body));
  };

  const makeTransfer = (body: Record<string, string>): FakeTransfer => {
    const t: FakeTransfer = {
      id: id('tr'),
      object: 'transfer',
      amount: Number(body.amount),
      amount_reversed: 0,
      currency: body.currency,
      destination: body.destination,
      transfer_group: body.transfer_group ?? null,
      reversed: false,
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      metadata: nested(body, 'metadata'),
      reversals: { object: 'list', data: [], has_more: false, url: '' },
    };
    transfers.push(t);
    if (fake.webhookUrl) void fake.deliver('transfer.created', t);
    return t;
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const body = parseForm(Buffer.concat(chunks).toString('utf8'));
      const query = Object.fromEntries(url.searchParams);
      const key = (req.headers['idempotency-key'] as string | undefined) ?? null;
      requests.push({ method: req.method ?? '', path: url.pathname, query, headers: req.headers, idempotencyKey: key, body, at: Date.now() });
      if (!/^Bearer sk_test_/.test(req.headers.authorization ?? '')) return error(res, 401, 'invalid_request_error', 'Invalid API Key provided');

      if (req.method === 'POST' && url.pathname === '/v1/transfers') {
        if (key && !fake.forgetIdempotencyKeys && idempotent.has(key)) {
          const saved = idempotent.get(key)!;
          return json(res, saved.status, saved.body);
        }
        const script = scripts.shift();
        if (script && 'status' in script) {
          // Stripe keeps an executed refusal (4xx) under the key; a 5xx is not saved.
          const errBody = {
            error: {
              type: script.type ?? (script.status >= 500 ? 'api_error' : 'invalid_request_error'),
              message: script.message ?? `scripted ${script.status}`,
              ...(script.code ? { code: script.code } : {}),
            },
          };
          if (key && script.status < 500) idempotent.set(key, { status: script.status, body: errBody });
          return json(res, script.status, errBody);
        }
        if (!Number.isSafeInteger(Number(body.amount)) || Number(body.amount) <= 0) return error(res, 400, 'invalid_request_error', 'Invalid amount', 'parameter_invalid_integer');
        if (!accounts.has(body.destination) && !/^acct_/.test(body.destination ?? '')) return error(res, 400, 'invalid_request_error', 'No such destination', 'resource_missing');
        const t = makeTransfer(body);
        if (key) idempotent.set(key, { status: 200, body: t });
        if (script && 'acceptThenDelayMs' in script) {
          const timer = setTimeout(() => json(res, 200, t), script.acceptThenDelayMs);
          res.on('close', () => clearTimeout(timer));
          return;
        }
        if (script && 'neverAnswer' in script) {
          hanging.add(res);
          return;
        }
        return json(res, 200, t);
      }
      if (req.method === 'GET' && url.pathname === '/v1/transfers') {
        let list = [...transfers].sort((a, b) => b.created - a.created || transfers.indexOf(b) - transfers.indexOf(a));
        if (query.transfer_group) list = list.filter((t) => t.transfer_group === query.transfer_group);
        if (query['created[gte]']) list = list.filter((t) => t.created >= Number(query['created[gte]']));
        if (query.starting_after) list = list.slice(list.findIndex((t) => t.id === query.starting_after) + 1);
        const limit = Math.min(100, Number(query.limit ?? 10));
        return json(res, 200, { object: 'list', url: '/v1/transfers', has_more: list.length > limit, data: list.slice(0, limit) });
      }
      if (req.method === 'POST' && url.pathname === '/v1/accounts') {
        const a = { id: id('acct'), object: 'account', type: body.type, charges_enabled: false, payouts_enabled: false, metadata: nested(body, 'metadata') };
        accounts.set(a.id, a);
        return json(res, 200, a);
      }
      const account = /^\/v1\/accounts\/(acct_[A-Za-z0-9]+)$/.exec(url.pathname);
      if (req.method === 'GET' && account) {
        const a = accounts.get(account[1]);
        return a ? json(res, 200, { object: 'account', ...a }) : error(res, 404, 'invalid_request_error', 'No such account', 'resource_missing');
      }
      if (req.method === 'POST' && url.pathname === '/v1/account_links') {
        if (!accounts.has(body.account)) return error(res, 400, 'invalid_request_error', 'No such account', 'resource_missing');
        return json(res, 200, {
          object: 'account_link',
          url: `https://connect.stripe.test/setup/${body.account}`,
          expires_at: Math.floor(Date.now() / 1000) + 300,
          return_url: body.return_url,
          refresh_url: body.refresh_url,
        });
      }
      return error(res, 404, 'invalid_request_error', `Unrecognized request URL (${req.method}: ${url.pathname})`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;

  Object.assign(fake, {
    url: `http://127.0.0.1:${port}`,
    host: '127.0.0.1',
    port,
    requests,
    transfers,
    accounts,
    webhookUrl: null,
    webhookSecret: options.webhookSecret ?? `whsec_${randomBytes(12).toString('hex')}`,
    forgetIdempotencyKeys: false,
    failNextTransfers: (...s: TransferScript[]) => scripts.push(...s),
    transferCreations: () => requests.filter((r) => r.method === 'POST' && r.path === '/v1/transfers'),
    injectTransfer: (t: Partial<FakeTransfer> & { amount: number; destination: string }) => {
      const made: FakeTransfer = {
        id: id('tr'),
        object: 'transfer',
        amount_reversed: 0,
        currency: 'cny',
        transfer_group: null,
        reversed: false,
        created: Math.floor(Date.now() / 1000) - 3600,
        livemode: false,
        metadata: {},
        reversals: { object: 'list', data: [], has_more: false, url: '' },
        ...t,
      };
      transfers.push(made);
      return made;
    },
    reverse: (transferId: string, amount?: number) => {
      const t = transfers.find((x) => x.id === transferId);
      if (!t) throw new Error(`no transfer ${transferId}`);
      t.amount_reversed = Math.min(t.amount, t.amount_reversed + (amount ?? t.amount));
      t.reversed = t.amount_reversed >= t.amount;
      return t;
    },
    event: (type: string, object: unknown, account?: string) => {
      const evt = {
        id: id('evt'),
        object: 'event',
        api_version: '2026-10-28.endive',
        created: Math.floor(Date.now() / 1000),
        type,
        livemode: false,
        pending_webhooks: 1,
        ...(account ? { account } : {}),
        data: { object },
      };
      return { id: evt.id, payload: JSON.stringify(evt) };
    },
    sign: (payload: string, secret?: string) => SIGNER.webhooks.generateTestHeaderString({ payload, secret: secret ?? fake.webhookSecret }),
    deliver: async (type: string, object: unknown, account?: string) => {
      if (!fake.webhookUrl) throw new Error('webhookUrl is not set');
      const { payload } = fake.event(type, object, account);
      const target = new URL(fake.webhookUrl);
      const p = new Promise<number>((resolve) => {
        const req = http.request(
          {
            host: target.hostname,
            port: target.port,
            path: target.pathname,
            method: 'POST',
            headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': fake.sign(payload), 'content-length': Buffer.byteLength(payload) },
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', () => resolve(0));
        req.end(payload);
      });
      deliveries.add(p);
      void p.finally(() => deliveries.delete(p));
      return p;
    },
    settled: async () => {
      while (deliveries.size) await Promise.all([...deliveries]);
    },
    close: async () => {
      for (const r of hanging) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
  return fake;
}
