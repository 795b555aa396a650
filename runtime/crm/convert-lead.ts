/**
 * Lead conversion (crm-core README, "Lead conversion"), in ONE transaction:
 * lock the lead (404 / 403) → already converted (409) → find or create the account →
 * find (by email) or create the contact on that account → optionally create the opportunity →
 * update the lead: status `converted`, `converted_*`, `converted_at` → COMMIT → after-save hooks.
 *
 * Every write goes through createRecord / updateRecord with the shared transaction, so each
 * record gets the same validation, permissions, defaults, formulas, rollups, history and
 * events as a single API write; any failure rolls the whole conversion back.
 */
import type { Knex } from 'knex';
import { DATA_SCHEMA } from '../db/names.ts';
import { StrataError, badRequest, type FieldProblem } from '../errors.ts';
import type { DeployedObject } from '../metadata/deployed.ts';
import { objectOf, type RecordContext } from '../records/context.ts';
import { createRecord } from '../records/create.ts';
import { loadRow } from '../records/load.ts';
import { toRecord, type ApiRecord } from '../records/serialize.ts';
import { updateRecord } from '../records/update.ts';
import { isUuid } from '../../metadata/record-schema.ts';

export interface ConvertLeadOptions {
  /** Open an opportunity too (default true). */
  createOpportunity?: boolean;
  /** Name of the new opportunity (default: the account's name). */
  opportunityName?: string;
  /** Amount and close date of the new opportunity, when known. */
  amount?: number | null;
  closeDate?: string | null;
  /** Convert into this existing account instead of creating one. */
  accountId?: string;
  /** Convert into this existing contact instead of matching by email or creating one. */
  contactId?: string;
}

export interface ConvertLeadResult {
  lead: ApiRecord;
  account: ApiRecord;
  contact: ApiRecord;
  opportunity: ApiRecord | null;
  /** False when an existing account / contact was used. */
  accountCreated: boolean;
  contactCreated: boolean;
}

type Values = Record<string, unknown>;

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const OPTION_KEYS = new Set(['createOpportunity', 'opportunityName', 'amount', 'closeDate', 'accountId', 'contactId']);

/** The request body → options; anything else is a 400 naming the offending member. */
export function parseConvertOptions(body: unknown): ConvertLeadOptions {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw badRequest('The body must be a JSON object of conversion options');
  const b = body as Values;
  const problems: FieldProblem[] = [];
  for (const k of Object.keys(b)) if (!OPTION_KEYS.has(k)) problems.push({ field: k, code: 'unknown_field', message: `Unknown option ${k.slice(0, 40)}` });
  const out: ConvertLeadOptions = {};
  if (b.createOpportunity !== undefined) {
    if (typeof b.createOpportunity !== 'boolean') problems.push({ field: 'createOpportunity', code: 'type', message: 'must be true or false' });
    else out.createOpportunity = b.createOpportunity;
  }
  if (b.opportunityName !== undefined && b.opportunityName !== null) {
    if (typeof b.opportunityName !== 'string') problems.push({ field: 'opportunityName', code: 'type', message: 'must be text' });
    else if (b.opportunityName.trim()) out.opportunityName = b.opportunityName.trim();
  }
  if (b.amount !== undefined && b.amount !== null) {
    if (typeof b.amount !== 'number' || !Number.isFinite(b.amount)) problems.push({ field: 'amount', code: 'type', message: 'must be a number' });
    else out.amount = b.amount;
  }
  if (b.closeDate !== undefined && b.closeDate !== null && b.closeDate !== '') {
    if (typeof b.closeDate !== 'string' || !DATE_RE.test(b.closeDate)) problems.push({ field: 'closeDate', code: 'date', message: 'must be a date YYYY-MM-DD' });
    else out.closeDate = b.closeDate;
  }
  for (const k of ['accountId', 'contactId'] as const) {
    const v = b[k];
    if (v === undefined || v === null || v === '') continue;
    if (typeof v !== 'string' || !isUuid(v)) problems.push({ field: k, code: 'type', message: 'must be a record id' });
    else out[k] = v.toLowerCase();
  }
  if (problems.length) throw badRequest('The conversion options are not valid', problems);
  return out;
}

/** Keeps the values the caller may write on `object` and that it has a field for; drops empties. */
function writable(ctx: RecordContext, object: DeployedObject, values: Values): Values {
  const out: Values = {};
  for (const [k, v] of Object.entries(values)) {
    if (v === null || v === undefined || v === '') continue;
    const f = object.fields.find((x) => x.name === k);
    if (!f || f.type === 'formula' || f.type === 'rollup' || f.type === 'autonumber') continue;
    if (ctx.access.field(object, k) !== 'edit') continue;
    if ((f.type === 'picklist') && !f.options.some((o) => o.value === v)) continue;
    out[k] = v;
  }
  return out;
}

function fullName(lead: Values): string {
  const first = typeof lead.first_name === 'string' ? lead.first_name.trim() : '';
  const last = typeof lead.last_name === 'string' ? lead.last_name.trim() : '';
  return [first, last].filter(Boolean).join(' ');
}

/** A live contact with this email the caller may read (the email is unique), if any. */
async function contactByEmail(trx: Knex.Transaction, ctx: RecordContext, contact: DeployedObject, email: unknown): Promise<Values | undefined> {
  if (typeof email !== 'string' || !email || !contact.fields.some((f) => f.name === 'email')) return undefined;
  const rows = ctx.access.rows(contact, 'read');
  if (rows === 'none') return undefined;
  const qb = trx.from({ r: `${DATA_SCHEMA}.${contact.name}` }).select('r.*').whereRaw('lower(r.email) = lower(?)', [email]).whereNull('r._deletedAt');
  if (rows !== 'all') rows(qb, 'r');
  return (await qb.first()) as Values | undefined;
}

export async function convertLead(ctx: RecordContext, leadId: string, options: ConvertLeadOptions = {}): Promise<ConvertLeadResult> {
  const leadObject = objectOf(ctx, 'lead');
  const accountObject = objectOf(ctx, 'account');
  const contactObject = objectOf(ctx, 'contact');
  const createOpportunity = options.createOpportunity !== false;
  const opportunityObject = createOpportunity ? objectOf(ctx, 'opportunity') : undefined;
  const afterCommit: Array<() => Promise<void>> = [];

  const result = await ctx.knex.transaction(async (trx): Promise<ConvertLeadResult> => {
    // Locked for the whole conversion: a second conversion waits, then sees it converted.
    const row = await loadRow(trx, ctx, leadObject, leadId, { action: 'update', forUpdate: true });
    if (row.status === 'converted' || row.converted_account) {
      throw new StrataError(409, 'already_converted', 'This lead is already converted', [
        { field: 'status', code: 'already_converted', message: 'This lead is already converted' },
      ]);
    }
    // What the caller may read of the lead is what conversion may copy.
    const lead = toRecord(leadObject, row, ctx.access);
    const person = fullName(lead);
    const company = typeof lead.company === 'string' ? lead.company.trim() : '';

    let account: ApiRecord;
    let accountCreated = false;
    if (options.accountId) {
      account = toRecord(accountObject, await loadRow(trx, ctx, accountObject, options.accountId, { action: 'read' }), ctx.access);
    } else {
      account = await createRecord(ctx, accountObject.name, writable(ctx, accountObject, {
        name: company || person,
        type: 'prospect',
        segment: company ? undefined : 'Consumer',
        industry: lead.industry,
        phone: lead.phone,
        website: lead.website,
        annual_revenue: lead.annual_revenue,
        employees: lead.employees,
        billing_street: lead.street,
        billing_city: lead.city,
        billing_state: lead.state,
        billing_postal_code: lead.postal_code,
        billing_country: lead.country,
      }), trx);
      accountCreated = true;
    }
    if (accountCreated && ctx.hooks?.afterSave) {
      const hook = ctx.hooks.afterSave.bind(ctx.hooks);
      const created = account;
      afterCommit.push(() => hook(ctx, accountObject, created, undefined));
    }

    let contact: ApiRecord;
    let contactCreated = false;
    const existing = options.contactId
      ? await loadRow(trx, ctx, contactObject, options.contactId, { action: 'read' })
      : await contactByEmail(trx, ctx, contactObject, lead.email);
    if (existing) {
      contact = toRecord(contactObject, existing, ctx.access);
    } else {
      contact = await createRecord(ctx, contactObject.name, writable(ctx, contactObject, {
        first_name: lead.first_name,
        last_name: lead.last_name,
        title: lead.title,
        email: lead.email,
        phone: lead.phone,
        lead_source: lead.source,
        account: account.id,
        mailing_street: lead.street,
        mailing_city: lead.city,
        mailing_state: lead.state,
        mailing_postal_code: lead.postal_code,
        mailing_country: lead.country,
      }), trx);
      contactCreated = true;
      if (ctx.hooks?.afterSave) {
        const hook = ctx.hooks.afterSave.bind(ctx.hooks);
        const created = contact;
        afterCommit.push(() => hook(ctx, contactObject, created, undefined));
      }
    }

    let opportunity: ApiRecord | null = null;
    if (opportunityObject) {
      opportunity = await createRecord(ctx, opportunityObject.name, writable(ctx, opportunityObject, {
        name: options.opportunityName ?? (typeof account.name === 'string' && account.name ? account.name : company || person),
        account: account.id,
        contact: contact.id,
        type: 'new_business',
        lead_source: lead.source,
        campaign: lead.campaign,
        amount: options.amount,
        close_date: options.closeDate,
      }), trx);
      if (ctx.hooks?.afterSave) {
        const hook = ctx.hooks.afterSave.bind(ctx.hooks);
        const created = opportunity;
        afterCommit.push(() => hook(ctx, opportunityObject, created, undefined));
      }
    }

    const updated = await updateRecord(ctx, leadObject.name, row.id as string, {
      status: 'converted',
      converted_account: account.id,
      converted_contact: contact.id,
      converted_opportunity: opportunity?.id ?? null,
      converted_at: new Date().toISOString(),
    }, {}, trx);
    if (ctx.hooks?.afterSave) {
      const hook = ctx.hooks.afterSave.bind(ctx.hooks);
      afterCommit.push(() => hook(ctx, leadObject, updated, row));
    }
    return { lead: updated, account, contact, opportunity, accountCreated, contactCreated };
  });
  // Inside a caller's transaction the pipeline leaves after-save hooks to the caller: us.
  for (const run of afterCommit) await run();
  return result;
}
