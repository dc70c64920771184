/** Maps GraphQL inputs to the domain's input shapes (dropping GraphQL's nulls where they mean "absent"). */
import type { CustomerPatch } from '../../src/customers/customer.service';
import type { CustomerInput } from '../../src/validation/customer-input';
import type { NewCustomerInput, UpdateCustomerInput } from './customer.inputs';

export function toCustomerInput(input: NewCustomerInput): CustomerInput {
  return {
    ...withoutUndefined(input),
    address: { ...input.address },
    mailingOptOut: input.mailingOptOut ?? false,
    subscriptionStart: input.subscriptionStart ?? undefined,
  } as CustomerInput;
}

export function toCustomerPatch(input: UpdateCustomerInput): CustomerPatch {
  // Absent means "leave as is"; null clears an optional field (validation refuses null for required ones).
  const patch = withoutUndefined(input) as CustomerPatch;
  return input.address ? { ...patch, address: { ...input.address } } : patch;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
