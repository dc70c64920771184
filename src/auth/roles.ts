/**
 * Roles and which kind of actor may hold them. Employees have job roles; services and third parties have
 * one role each that says what they are.
 */
import { ActorKind } from '../db/entities/actor.entity';

export const Role = {
  Support: 'support',
  Finance: 'finance',
  PrivacyOfficer: 'privacy_officer',
  Admin: 'admin',
  OrderSystem: 'order_system',
  Registry: 'registry',
  PaymentProvider: 'payment_provider',
} as const;
export type Role = (typeof Role)[keyof typeof Role];

export const ROLES_BY_KIND: Record<ActorKind, readonly Role[]> = {
  [ActorKind.Employee]: [Role.Support, Role.Finance, Role.PrivacyOfficer, Role.Admin],
  [ActorKind.Service]: [Role.OrderSystem],
  [ActorKind.ThirdParty]: [Role.Registry, Role.PaymentProvider],
};

export function isRole(value: string): value is Role {
  return (Object.values(Role) as string[]).includes(value);
}

export function roleFitsKind(role: Role, kind: ActorKind): boolean {
  return ROLES_BY_KIND[kind].includes(role);
}
