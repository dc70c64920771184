/** What GeoIP says about one IP address, as the API shows it. */
import { Field, Float, Int, ObjectType } from 'type-graphql';

@ObjectType('IpAnonymity', { description: 'False means "not known to be", never "known not to be".' })
export class IpAnonymityObject {
  @Field()
  isAnonymous!: boolean;

  @Field()
  isAnonymousVpn!: boolean;

  @Field()
  isHostingProvider!: boolean;

  @Field()
  isPublicProxy!: boolean;

  @Field()
  isTorExitNode!: boolean;
}

@ObjectType('IpIntelligence')
export class IpIntelligenceObject {
  @Field({ description: 'Normalised; IPv4-mapped IPv6 is shown as IPv4.' })
  ip!: string;

  @Field({
    description:
      'public, private, loopback, link_local, carrier_grade_nat, documentation, multicast, unspecified, broadcast or reserved',
  })
  classification!: string;

  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2' })
  country!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "The largest subdivision (region, province) the address is in, in English as the database names it, such as 'Canary Islands'",
  })
  subdivision!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "Its ISO 3166-2 code without the country prefix, such as 'CN' for the Canary Islands (ES-CN); only MaxMind's own databases carry it",
  })
  subdivisionCode!: string | null;

  @Field(() => String, { nullable: true })
  city!: string | null;

  @Field(() => Float, { nullable: true })
  latitude!: number | null;

  @Field(() => Float, { nullable: true })
  longitude!: number | null;

  @Field(() => Int, { nullable: true, description: 'Kilometres' })
  accuracyRadius!: number | null;

  @Field(() => Float, { nullable: true, description: 'Float: 4-byte AS numbers exceed GraphQL Int' })
  asn!: number | null;

  @Field(() => String, { nullable: true })
  organisation!: string | null;

  /** Not a field: the `network` field is built from it (IpIntelligenceResolver). */
  prefixLength!: number | null;

  @Field(() => IpAnonymityObject)
  anonymity!: IpAnonymityObject;

  @Field({ description: 'Which databases answered, with their build dates' })
  source!: string;
}
