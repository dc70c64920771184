/**
 * Scoring an order for the order system: normalise the request, look the IP address up in GeoIP, ask
 * VIES about a business's VAT number (when the adapter is on), count velocity and identity reuse,
 * determine VAT, score the signals under the current rules, and store the order with what GeoIP said
 * at that moment, all in one transaction with its audit events. A retry with the same idempotency key
 * returns the first answer.
 *
 * Every order system call comes through here, so the database is asked as few times as the work allows,
 * on a small `pg` pool of its own with prepared statements (planned once per connection) rather than
 * through the ORM: one statement for the idempotency look-up and all the counts, then one statement,
 * atomic and so the order's transaction, that inserts the customer (on a first order), its consent line,
 * the order and every audit event (src/orders/order-store.ts).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { auditEvent, type AuditContext } from '../../audit/audit-context';
import type { AuditLog } from '../../audit/audit-log';
import { canonicalEventJson } from '../../audit/canonical-event';
import { locateCity } from '../../geo/city-locations';
import { cidrOf } from '../../geo/ip-classify';
import type { IpIntelligence } from '../../geo/ip-intelligence';
import type { SqlRunner } from '../../audit/sql-runner';
import type { BlindIndex } from '../crypto/blind-index';
import type { FieldCipher } from '../crypto/field-cipher';
import { customerAad } from '../customers/customer-view';
import { usernameTaken, type CustomerService, type NewCustomer } from '../customers/customer.service';
import { ActorEntity } from '../db/entities/actor.entity';
import { StatementCollector } from '../db/one-statement-transaction';
import { CustomerEntity, CustomerStatus } from '../db/entities/customer.entity';
import { OrderEntity, type StoredReason } from '../db/entities/order.entity';
import { ConflictError, ForbiddenError } from '../errors/errors';
import {
  CUSTOMER_PERSONAL_FIELDS,
  ORDER_PERSONAL_FIELDS,
  type CustomerPersonalField,
  type OrderPersonalField,
} from '../personal-data/data-categories';
import type { RiskRules } from '../scoring/risk-rules';
import { scoreOrderSignals } from '../scoring/score-order';
import { emailMailbox, ibanCountry } from '../validation';
import { determineVat, type VatDetermination } from '../vat/vat-determination';
import { analyseVatNumber } from '../vat/vat-number';
import type { VatRegistryCheck, ViesResult } from '../vat/vies-client';
import {
  readSignalCounts,
  signalCountsSelection,
  type SignalCounts,
  type VelocityKeys,
} from './order-velocity';
import { isCustomerGoneMeanwhile, OrderStore, type OrderRows } from './order-store';
import { orderVatEvidence } from './order-vat-evidence';
import { orderAad, OrderView } from './order-view';
import { normaliseOrder, type NormalisedOrder, type ScoreOrderRequest } from './score-order-input';

export interface OrderAssessment {
  order: OrderView;
  riskScore: number;
  decision: OrderEntity['decision'];
  reasons: StoredReason[];
  vat: VatDetermination;
  ip: IpIntelligence;
  /** True when this answer is the stored one for a retried idempotency key. */
  replayed: boolean;
}

export interface OrderScoringDeps {
  cipher: FieldCipher;
  blindIndex: BlindIndex;
  audit: AuditLog;
  customers: CustomerService;
  /** The scoring path's own connections (src/db/pg-pool-runner.ts): look-up, order rows and audit events. */
  db: SqlRunner;
  geo: () => Promise<{ lookup(ip: string, field?: string): IpIntelligence }>;
  vies: VatRegistryCheck;
  rules: () => RiskRules;
  now?: () => Date;
}

const MAX_IPS_REMEMBERED = 50;

/** The customer an order is scored for: loaded (customerId given) or about to be created (first order). */
type OrderCustomer =
  | { kind: 'existing'; entity: CustomerEntity }
  | { kind: 'new'; entity: CustomerEntity; prepared: NewCustomer };

/** What is known before anything is written: the outside facts and the counts. */
interface OrderFacts {
  ip: IpIntelligence;
  vatAnalysis: ReturnType<typeof analyseVatNumber> | null;
  vies: ViesResult | null;
  declaredBusiness: boolean;
  firstOrder: boolean;
  signals: SignalCounts;
  /** The order named no email, so the customer's email on file was decrypted for the email signals. */
  emailReadFromFile: boolean;
  /** The company name and own name the VAT number's VIES name is held against (see declaredNames). */
  declaredNames: DeclaredNames;
}

interface DeclaredNames {
  names: (string | null)[];
  /** An existing customer's names on file were decrypted for it (only when VIES gave a name). */
  readFromFile: boolean;
}

export class OrderScoringService {
  private readonly store = new OrderStore();

  constructor(private readonly deps: OrderScoringDeps) {}

  view(entity: OrderEntity): OrderView {
    return new OrderView(entity, this.deps.cipher);
  }

  async score(
    em: EntityManager,
    request: ScoreOrderRequest,
    context: AuditContext,
  ): Promise<OrderAssessment> {
    if (context.actorId === null) throw new ForbiddenError('Scoring needs an authenticated actor.');
    const order = normaliseOrder(request);
    const requestHash = hashOrder(order);
    const now = this.deps.now?.() ?? new Date();
    const rules = this.deps.rules();
    // A first order's customer is validated and encrypted before the database is asked anything, and
    // inserted with the order; an existing one is loaded for its ID card, email and IP addresses.
    const customer: OrderCustomer =
      order.customerId !== null
        ? { kind: 'existing', entity: mayOrder((await this.deps.customers.get(em, order.customerId)).entity) }
        : await this.deps.customers
            .prepareNew(order.customer!, context)
            .then((prepared) => ({ kind: 'new' as const, entity: prepared.entity, prepared }));
    const email = order.email ?? this.deps.customers.view(customer.entity).email;
    const keys = this.velocityKeys(order, customer.entity, email, rules);

    // One statement for all scoring must know from the database: an earlier answer under this idempotency
    // key, whether the customer ordered before (or, for a new one, whether its login name is taken), and
    // the velocity and identity-reuse counts. Outside the transaction, as under READ COMMITTED each
    // statement sees what was committed when it began anyway.
    const counts = signalCountsSelection(keys, rules, now);
    const username = customer.kind === 'new' ? customer.entity.usernameBidx : null;
    const [row] = await this.deps.db.query<Record<string, unknown>>(
      `select (select id from customer_order where actor_id = ? and idempotency_key = ?) as earlier_order_id,
         ${customer.kind === 'existing' ? 'exists (select 1 from customer_order where customer_id = ?)' : 'false'}
           as ordered_before,
         ${username === null ? 'false' : 'exists (select 1 from customer where username_bidx = ?)'}
           as username_taken,
         ${counts.columns.join(',\n         ')}`,
      [
        context.actorId,
        order.idempotencyKey,
        ...(customer.kind === 'existing' ? [customer.entity.id] : []),
        ...(username === null ? [] : [username]),
        ...counts.params,
      ],
    );
    if (row === undefined) throw new Error('the order look-up returned no row');
    if (row.earlier_order_id !== null) {
      const earlier = await this.findByKey(em, context.actorId, order.idempotencyKey);
      if (earlier !== null) return this.replay(earlier, requestHash, request, context);
    }
    if (row.username_taken === true) usernameTaken();

    const ip = (await this.deps.geo()).lookup(order.ipText, 'ipAddress');
    const declaredBusiness = order.vatNumber !== null || (order.customer?.companyName ?? null) !== null;
    const vatAnalysis = order.vatNumber === null ? null : analyseVatNumber(order.vatNumber);
    const vies = await this.checkVies(declaredBusiness, vatAnalysis);
    const declaredNames = this.declaredNames(order, customer, vies);
    const facts: OrderFacts = {
      ip,
      vatAnalysis,
      vies,
      declaredBusiness,
      firstOrder: row.ordered_before !== true,
      signals: readSignalCounts(row, rules),
      emailReadFromFile: order.email === null && customer.kind === 'existing' && email !== null,
      declaredNames,
    };
    try {
      return await this.scoreAndStore(
        em,
        order,
        requestHash,
        now,
        rules,
        customer,
        email,
        keys,
        facts,
        context,
      );
    } catch (error) {
      // Two retries racing: the loser returns the winner's stored answer.
      if (isUniqueViolation(error)) {
        const winner = await this.findByKey(em.fork(), context.actorId, order.idempotencyKey);
        if (winner !== null) return this.replay(winner, requestHash, request, context);
      }
      // Erased, archived or restricted while the order was scored: nothing was stored; the refusal is
      // the one the customer's state now calls for.
      if (customer.kind === 'existing' && isCustomerGoneMeanwhile(error)) {
        mayOrder((await this.deps.customers.get(em.fork(), customer.entity.id)).entity);
        throw new ConflictError(
          `Customer ${customer.entity.id} changed while the order was scored; nothing was stored. Send the order again.`,
          { field: 'customerId' },
        );
      }
      throw error;
    }
  }

  private velocityKeys(
    order: NormalisedOrder,
    customer: CustomerEntity,
    email: string | null,
    rules: RiskRules,
  ): VelocityKeys {
    const { blindIndex } = this.deps;
    const prefix =
      order.ip.version === 4
        ? rules.velocity.networkPrefixLength.ipv4
        : rules.velocity.networkPrefixLength.ipv6;
    return {
      ipBidx: blindIndex.compute('order_ip', order.ipText),
      networkBidx: blindIndex.compute('order_network', cidrOf(order.ip, prefix)),
      ipVersion: order.ip.version,
      emailBidx: email === null ? null : blindIndex.compute('email', email.toLowerCase()),
      emailMailboxBidx: email === null ? null : blindIndex.compute('email_mailbox', emailMailbox(email)),
      ibanBidx: order.iban === null ? null : blindIndex.compute('iban', order.iban),
      idCardBidx: customer.idCardNumberBidx,
      customerId: customer.id,
      nameBidx: customer.nameBidx,
    };
  }

  private async scoreAndStore(
    em: EntityManager,
    order: NormalisedOrder,
    requestHash: string,
    now: Date,
    rules: RiskRules,
    customer: OrderCustomer,
    email: string | null,
    keys: VelocityKeys,
    facts: OrderFacts,
    context: AuditContext,
  ): Promise<OrderAssessment> {
    const { ip, vatAnalysis, vies, declaredBusiness, firstOrder, signals } = facts;
    const iban = order.iban;
    const bankCountry = iban === null ? null : ibanCountry(iban);
    // A national-format number's country is unknown (score-order-input.ts): no evidence, no signal.
    const phoneCountry = order.phone?.country ?? null;
    const { evidence, excluded } = orderVatEvidence({
      billing: {
        country: order.billingAddress.country,
        postalCode: order.billingAddress.postalCode,
        city: order.billingAddress.city,
      },
      ip,
      bankCountry,
      phone: order.phone,
    });
    const vat = determineVat({
      customerType: declaredBusiness ? 'business' : 'consumer',
      vatNumber: vatAnalysis,
      viesResult: vies,
      declaredNames: facts.declaredNames.names,
      declaredPlace: { postalCode: order.billingAddress.postalCode, city: order.billingAddress.city },
      evidence,
      excludedEvidence: excluded,
    });
    const located = locateCity(order.billingAddress.country, order.billingAddress.city);
    const assessment = scoreOrderSignals(
      {
        ip,
        billingCountry: order.billingAddress.country,
        billingLocation:
          located === null ? null : { latitude: located.latitude, longitude: located.longitude },
        vatNumber: order.vatNumber,
        ibanCountry: bankCountry,
        phoneCountry,
        emailDomain: email,
        amountCents: order.amountCents,
        currency: order.currency,
        isFirstOrder: firstOrder,
        velocity: signals.velocity,
        identityReuse: signals.identityReuse,
        vatEvidenceConflict: vat.evidence.conflict,
        vatNameMatch: vat.vatNumber.nameMatch,
        vatAddressMatch: vat.vatNumber.addressMatch,
      },
      rules,
    );

    const entity = new OrderEntity();
    entity.id = randomUUID();
    const enc = (field: OrderPersonalField, value: string | null) =>
      value === null ? null : this.deps.cipher.encrypt(value, orderAad(entity.id, field));
    const customerEntity = customer.entity;
    Object.assign(entity, {
      createdAt: now,
      actor: actorReference(context.actorId!),
      idempotencyKey: order.idempotencyKey,
      requestHash,
      customer: customerEntity,
      firstOrder,
      ipAddressEnc: enc('orderIpAddress', order.ipText),
      ipBidx: keys.ipBidx,
      ipNetworkBidx: keys.networkBidx,
      ipCountry: ip.country,
      geoEnc: this.deps.cipher.encryptJson(ip, orderAad(entity.id, 'orderGeoIp')),
      billingAddressEnc: this.deps.cipher.encryptJson(
        order.billingAddress,
        orderAad(entity.id, 'orderBillingAddress'),
      ),
      billingCountry: order.billingAddress.country,
      vatNumberEnc: enc('orderVatNumber', vatAnalysis?.canonical ?? order.vatNumber),
      emailBidx: keys.emailBidx,
      emailMailboxBidx: keys.emailMailboxBidx,
      emailEnc: enc('orderEmail', order.email),
      phoneEnc: enc('orderPhone', order.phone?.e164 ?? null),
      phoneCountry,
      ibanEnc: enc('orderIban', iban),
      ibanBidx: keys.ibanBidx,
      ibanCountry: bankCountry,
      items: order.items,
      amountCents: order.amountCents,
      currency: order.currency,
      riskScore: assessment.riskScore,
      decision: assessment.decision,
      reasons: assessment.reasons.map((r) => ({ ...r, evidence: { ...r.evidence } })),
      reasonCodes: assessment.reasons.map((r) => r.code),
      rulesVersion: assessment.rulesVersion,
      customerType: vat.customerType,
      vat: JSON.parse(JSON.stringify(vat)) as Record<string, unknown>,
      vatCountry: vat.country,
      vatConflict: vat.conflict,
      reverseCharge: vat.reverseCharge,
      vatVerified: vat.vatNumber.verified,
    });
    this.rememberIp(customerEntity, order.ipText);
    const rows: OrderRows =
      customer.kind === 'new'
        ? {
            kind: 'first',
            customer: customerEntity,
            consent: this.deps.customers.consentLine(customerEntity, context),
            order: entity,
          }
        : { kind: 'later', customer: customerEntity, order: entity };

    const created = (Object.keys(ORDER_PERSONAL_FIELDS) as OrderPersonalField[]).filter(
      (f) =>
        ['orderIpAddress', 'orderGeoIp', 'orderBillingAddress', 'orderItems'].includes(f) ||
        (f === 'orderVatNumber' && entity.vatNumberEnc !== null) ||
        (f === 'orderEmail' && entity.emailEnc !== null) ||
        (f === 'orderPhone' && entity.phoneEnc !== null) ||
        (f === 'orderIban' && entity.ibanEnc !== null),
    );
    const customerId = customerEntity.id;
    const readOnFile: CustomerPersonalField[] = [
      'ipAddresses',
      ...(facts.emailReadFromFile ? (['email'] as const) : []),
      ...(facts.declaredNames.readFromFile ? (['companyName', 'name'] as const) : []),
    ];
    // The audit events join the order's statement: recorded into a collector, sent with the rows.
    const transaction = new StatementCollector();
    await this.deps.audit.recordInTransaction(transaction, [
      ...(customer.kind === 'new' ? [customer.prepared.event] : []),
      auditEvent(context, {
        action: 'create',
        subjectId: customerId,
        fields: created,
        categories: created.map((f) => ORDER_PERSONAL_FIELDS[f].category),
      }),
      // Reading the IP addresses on file to add this one (and the email and names on file, when they
      // were used) is a read of the customer's data for fraud prevention.
      auditEvent(context, {
        action: 'read',
        subjectId: customerId,
        fields: readOnFile,
        categories: readOnFile.map((f) => CUSTOMER_PERSONAL_FIELDS[f].category),
      }),
      auditEvent(context, {
        action: 'update',
        subjectId: customerId,
        fields: ['ipAddresses'],
        categories: ['ip_address'],
      }),
    ]);
    // One statement: the new customer and its consent line (first order) or the customer's IP list, the
    // order and its audit events.
    await this.store.write(em, this.deps.db, rows, transaction.held);
    // The events are committed now; the sealer was woken when they were collected, and is again.
    this.deps.audit.sealer.wake();
    return {
      order: this.view(entity),
      riskScore: entity.riskScore,
      decision: entity.decision,
      reasons: entity.reasons,
      vat,
      ip,
      replayed: false,
    };
  }

  private rememberIp(entity: CustomerEntity, ip: string): void {
    const onFile = this.deps.customers.view(entity).ipAddresses;
    const updated = [ip, ...onFile.filter((a) => a !== ip)].slice(0, MAX_IPS_REMEMBERED);
    entity.ipAddressesEnc = this.deps.cipher.encrypt(
      JSON.stringify(updated),
      customerAad(entity.id, 'ipAddresses'),
    );
  }

  /**
   * The names VIES's name for the VAT number is held against: a first order's from its input; an
   * existing customer's from file, decrypted only when VIES gave a name to compare.
   */
  private declaredNames(
    order: NormalisedOrder,
    customer: OrderCustomer,
    vies: ViesResult | null,
  ): DeclaredNames {
    if (order.customer !== null) {
      return {
        names: [order.customer.companyName ?? null, order.customer.name ?? null],
        readFromFile: false,
      };
    }
    if (vies?.status !== 'VERIFIED' || vies.name === null) return { names: [], readFromFile: false };
    const view = this.deps.customers.view(customer.entity);
    return { names: [view.companyName, view.name], readFromFile: true };
  }

  private async checkVies(
    declaredBusiness: boolean,
    analysis: ReturnType<typeof analyseVatNumber> | null,
  ): Promise<ViesResult | null> {
    // VIES is asked only about numbers that could be valid EU numbers of a customer who says it is a business.
    if (
      !declaredBusiness ||
      analysis === null ||
      analysis.status !== 'VALID' ||
      analysis.prefix === null ||
      analysis.canonical === null
    ) {
      return null;
    }
    return this.deps.vies.check(analysis.prefix, analysis.canonical);
  }

  private async findByKey(em: EntityManager, actorId: string, key: string): Promise<OrderEntity | null> {
    return em.findOne(OrderEntity, { actor: actorId, idempotencyKey: key }, { populate: ['customer'] });
  }

  /**
   * The stored answer to a retried key. Its GeoIP answer and VAT evidence come from the stored order now,
   * not from the request, so releasing them again is a read of the customer's data, recorded (and
   * committed) before the answer leaves; the order's own fields are recorded as any read of them is.
   */
  private async replay(
    entity: OrderEntity,
    requestHash: string,
    request: ScoreOrderRequest,
    context: AuditContext,
  ): Promise<OrderAssessment> {
    // Orders stored before 2026-11-26 carry the hash of the request as sent (see hashOrder).
    if (entity.requestHash !== requestHash && entity.requestHash !== legacyRequestHash(request)) {
      throw new ConflictError(
        `Idempotency key ${entity.idempotencyKey} was already used for a different order; use a new key for a new order.`,
        { field: 'idempotencyKey' },
      );
    }
    refuseRestricted(entity.customer);
    const view = this.view(entity);
    const ip = view.geoIp;
    if (ip === null) {
      throw new ConflictError(
        `The order for idempotency key ${entity.idempotencyKey} has since been erased.`,
      );
    }
    const released: OrderPersonalField[] = ['orderGeoIp', 'orderVatEvidence'];
    await this.deps.audit.record([
      auditEvent(context, {
        action: 'read',
        subjectId: entity.customer.id,
        fields: released,
        categories: released.map((f) => ORDER_PERSONAL_FIELDS[f].category),
      }),
    ]);
    return {
      order: view,
      riskScore: entity.riskScore,
      decision: entity.decision,
      reasons: entity.reasons,
      vat: entity.vat as unknown as VatDetermination,
      ip,
      replayed: true,
    };
  }
}

/**
 * An existing customer an order may be scored and stored for. Scoring reads the customer's data and
 * storing the order adds to it, so a restricted customer (GDPR art. 18: nothing but storage) is refused,
 * and so are an erased and an archived one, whose data is kept only for administrative obligations
 * (a returning customer is a first order again, with its details).
 */
function mayOrder(customer: CustomerEntity): CustomerEntity {
  refuseRestricted(customer);
  if (customer.status === CustomerStatus.Erased || customer.status === CustomerStatus.Archived) {
    throw new ConflictError(
      `Customer ${customer.id} is ${customer.status}: its data is kept only for administrative obligations. Send the customer's details as a first order (customer instead of customerId).`,
      { field: 'customerId', reason: customer.status.toUpperCase() },
    );
  }
  return customer;
}

/** Restriction (GDPR art. 18) allows nothing but storage: no scoring, and no stored answer released. */
function refuseRestricted(customer: CustomerEntity): void {
  if (customer.restricted) {
    throw new ForbiddenError(
      `Customer ${customer.id} has restricted processing (GDPR art. 18): no order can be scored for it, nor a stored answer given, until the privacy officer lifts the restriction.`,
      { reason: 'RESTRICTED', customerId: customer.id },
    );
  }
}

/**
 * The ordering actor as the order row refers to it (only its id is written). A plain instance: the ORM's
 * getReference would register it in the request's identity map, which costs more than the rest of
 * building the row.
 */
function actorReference(id: string): ActorEntity {
  return Object.assign(new ActorEntity(), { id });
}

/** PostgreSQL's unique_violation, as `pg` reports it. */
function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}

/**
 * What a retry must repeat to be the same order: the order as read (keys and codes trimmed, case and
 * spacing of IP, IBAN, phone and currency aside), so " k " with currency "eur" replays the order sent
 * as "k" with "EUR" instead of being refused as a different one.
 */
function hashOrder(order: NormalisedOrder): string {
  const { ip: _parsed, ...rest } = order;
  return sha256Canonical(rest);
}

/** The hash of the request exactly as sent, which orders stored before hashOrder carry. */
function legacyRequestHash(request: ScoreOrderRequest): string {
  return sha256Canonical(request);
}

function sha256Canonical(value: unknown): string {
  // GraphQL inputs arrive as class instances and dates as Date; the canonical form wants plain JSON.
  const plain = JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
  return createHash('sha256').update(canonicalEventJson(plain)).digest('hex');
}
