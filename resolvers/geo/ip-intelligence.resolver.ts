/** Fields of IpIntelligence worked out only when a query asks for them. */
import { FieldResolver, Resolver, Root } from 'type-graphql';
import { ipNetwork, type IpIntelligence } from '../../geo/ip-intelligence';
import { IpIntelligenceObject } from './ip-intelligence.type';

@Resolver(() => IpIntelligenceObject)
export class IpIntelligenceResolver {
  @FieldResolver(() => String, { nullable: true, description: 'CIDR of the matching database record' })
  network(@Root() ip: IpIntelligence): string | null {
    return ipNetwork(ip);
  }
}
