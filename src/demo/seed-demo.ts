/**
 * Demo data for a fresh installation: on an empty database, about 50 fake customers and one actor per
 * role; the third-party actors are tied to their register entries, and the first few customers are
 * disclosed to each, so the registry's and the payment provider's tokens have customers to read. The
 * actors' tokens are kept in `<dataDir>/demo-tokens.json` (development only) so that the start-up
 * banner can show them again after a restart; real tokens are only ever shown once.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { offlineContext } from '../../audit/audit-context';
import type { Actor } from '../auth/actor';
import { Role } from '../auth/roles';
import { ActorKind } from '../db/entities/actor.entity';
import { CustomerEntity } from '../db/entities/customer.entity';
import type { Platform } from '../platform';
import { generateDemoCustomers } from './demo-customers';

export interface DemoToken {
  role: string;
  kind: string;
  name: string;
  token: string;
}

const DEMO_ACTORS: { kind: ActorKind; role: Role; name: string }[] = [
  { kind: ActorKind.Employee, role: Role.Support, name: 'S. Jansen (support)' },
  { kind: ActorKind.Employee, role: Role.Finance, name: 'A. de Vries (finance)' },
  { kind: ActorKind.Employee, role: Role.PrivacyOfficer, name: 'M. Bakker (privacy officer)' },
  { kind: ActorKind.Employee, role: Role.Admin, name: 'R. Visser (admin)' },
  { kind: ActorKind.Service, role: Role.OrderSystem, name: 'order system' },
  { kind: ActorKind.ThirdParty, role: Role.Registry, name: 'SIDN' },
  { kind: ActorKind.ThirdParty, role: Role.PaymentProvider, name: 'payment provider' },
];

/** The register entry (DEFAULT_THIRD_PARTIES) each demo third party reads as, and what it receives. */
const DEMO_DISCLOSURES: Partial<Record<Role, { entry: string; categories: string[]; purpose: string }>> = {
  [Role.Registry]: {
    entry: 'SIDN',
    categories: ['name', 'company', 'address', 'email', 'phone'],
    purpose: 'domain-registration',
  },
  [Role.PaymentProvider]: {
    entry: 'Payment provider',
    categories: ['name', 'bank_details'],
    purpose: 'direct-debit',
  },
};
const DISCLOSED_CUSTOMERS = 5;

export const DEMO_CUSTOMER_COUNT = 50;

/** Seeds an empty database; returns the demo tokens (freshly made, or remembered from an earlier run). */
export async function seedDemoData(platform: Platform): Promise<{ seeded: boolean; tokens: DemoToken[] }> {
  const tokensFile = path.join(platform.config.dataDir, 'demo-tokens.json');
  const em = platform.db.orm.em.fork();
  if ((await em.count(CustomerEntity, {})) > 0) {
    const tokens = existsSync(tokensFile)
      ? (JSON.parse(readFileSync(tokensFile, 'utf8')) as DemoToken[])
      : [];
    return { seeded: false, tokens };
  }
  const tokens: DemoToken[] = [];
  let admin: Actor | undefined;
  const actors: Actor[] = [];
  for (const spec of DEMO_ACTORS) {
    const created = await platform.services.actors.create(em, spec);
    if (spec.role === Role.Admin) admin = created.actor;
    actors.push(created.actor);
    tokens.push({ role: spec.role, kind: spec.kind, name: spec.name, token: created.token });
  }
  const customerIds: string[] = [];
  for (const input of generateDemoCustomers(DEMO_CUSTOMER_COUNT)) {
    const created = await platform.services.customers.create(
      em,
      input,
      offlineContext(admin ?? null, 'account-management'),
    );
    customerIds.push(created.id);
  }
  await discloseToDemoThirdParties(platform, actors, customerIds.slice(0, DISCLOSED_CUSTOMERS));
  writeFileSync(tokensFile, `${JSON.stringify(tokens, null, 2)}\n`, { mode: 0o600 });
  return { seeded: true, tokens };
}

async function discloseToDemoThirdParties(
  platform: Platform,
  actors: readonly Actor[],
  customerIds: readonly string[],
): Promise<void> {
  const em = platform.db.orm.em.fork();
  const thirdParties = platform.services.thirdParties;
  const register = await thirdParties.ensureDefaults(em);
  const orderSystem = actors.find((a) => a.role === Role.OrderSystem) ?? null;
  for (const actor of actors) {
    const demo = DEMO_DISCLOSURES[actor.role];
    const entry = register.find((p) => p.name === demo?.entry);
    if (demo === undefined || entry === undefined) continue;
    await thirdParties.linkActor(em, entry.id, actor.id, null);
    for (const [i, customerId] of customerIds.entries()) {
      await thirdParties.recordDisclosure(
        em,
        {
          customerId,
          thirdPartyId: entry.id,
          categories: demo.categories,
          purpose: demo.purpose,
          reference: `demo-order-${i + 1}`,
        },
        offlineContext(orderSystem, demo.purpose),
      );
    }
  }
}
