/**
 * Start-up check: every field of an object type that holds personal data must say whether it is
 * personal (`@PersonalField`) or not (`@NonPersonalField`). A field that says neither could release
 * personal data without the role, purpose and audit rules, so the service refuses to start.
 */
import { isObjectType, type GraphQLSchema } from 'graphql';
import { PERSONAL_DATA_EXTENSION } from '../../resolvers/common/personal-field.decorator';

export class UntaggedPersonalDataError extends Error {}

export function assertPersonalDataTagged(schema: GraphQLSchema): void {
  const untagged: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const fields = Object.values(type.getFields());
    const holdsPersonalData = fields.some((f) => f.extensions?.[PERSONAL_DATA_EXTENSION]);
    if (!holdsPersonalData) continue;
    for (const field of fields) {
      if (field.extensions?.[PERSONAL_DATA_EXTENSION] === undefined)
        untagged.push(`${type.name}.${field.name}`);
    }
  }
  if (untagged.length > 0) {
    throw new UntaggedPersonalDataError(
      `These fields of personal-data types are not tagged @PersonalField or @NonPersonalField: ${untagged.join(', ')}`,
    );
  }
}
