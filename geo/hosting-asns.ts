/**
 * Autonomous systems that are, as a whole, cloud or hosting networks: traffic from them comes from
 * servers (VPN exits, proxies, bots), not from people at home or on a phone. Used as the
 * "hosting provider" signal when no MaxMind Anonymous-IP database is configured.
 *
 * Source: a hand-kept list of well-known cloud, VPS and dedicated-server operators; each ASN's holder
 * was checked against the organisation name in @ip-location-db/asn 2.3.2026061719 (RouteViews, RIR
 * and DB-IP data). Only networks that sell servers or cloud capacity and carry no consumer access are
 * listed.
 *
 * Deliberately absent, because ordinary customers reach us through them:
 *   13335 Cloudflare (WARP, iCloud Private Relay egress), 36183 Akamai and 54113 Fastly (iCloud
 *   Private Relay egress), 20940 Akamai CDN, 15169/19527 Google (Google's own services, not Cloud
 *   customer VMs; those are 396982), 35540 OVH Telecom (consumer broadband), big telcos with a
 *   hosting arm (their ASNs also carry consumer lines).
 *
 * To update: confirm the operator with `grep ',<asn>,' node_modules/@ip-location-db/asn/asn-ipv4.csv`
 * and its PeeringDB entry ("Network Type: Content" or "Enterprise" hosting, not "Cable/DSL/ISP"),
 * add one line here, and say in the commit why. When in doubt leave it out: a false "hosting" flag
 * on a residential network punishes real customers, a missed one only weakens one signal.
 */

export const HOSTING_ASNS: ReadonlyMap<number, string> = new Map([
  // Hyperscale clouds
  [16509, 'Amazon Web Services'],
  [14618, 'Amazon Web Services (us-east-1)'],
  [8987, 'Amazon Web Services (Ireland)'],
  [396982, 'Google Cloud'],
  [8075, 'Microsoft Azure'],
  [31898, 'Oracle Cloud'],
  [36351, 'IBM Cloud (SoftLayer)'],
  [45102, 'Alibaba Cloud (international)'],
  [37963, 'Alibaba Cloud (China)'],
  [132203, 'Tencent Cloud'],
  [136907, 'Huawei Cloud'],
  [55990, 'Huawei Cloud (China)'],
  // Developer clouds and VPS
  [14061, 'DigitalOcean'],
  [393406, 'DigitalOcean'],
  [63949, 'Akamai Connected Cloud (Linode)'],
  [20473, 'Vultr (The Constant Company, Choopa)'],
  [24940, 'Hetzner Online'],
  [213230, 'Hetzner Online (cloud)'],
  [212317, 'Hetzner Online (cloud, US/SG)'],
  [16276, 'OVHcloud'],
  [12876, 'Scaleway'],
  [51167, 'Contabo'],
  [40021, 'Contabo (US)'],
  [141995, 'Contabo (Asia)'],
  [197540, 'netcup'],
  [8560, 'IONOS'],
  // Dedicated servers and colocation
  [60781, 'Leaseweb Netherlands'],
  [16265, 'Leaseweb Network'],
  [28753, 'Leaseweb Germany'],
  [30633, 'Leaseweb USA'],
  [59253, 'Leaseweb Asia'],
  [32613, 'Leaseweb Canada (iWeb)'],
  [9009, 'M247'],
  [60068, 'Datacamp (CDN77)'],
  [212238, 'Datacamp (CDN77)'],
  [62240, 'Clouvider'],
  [49981, 'WorldStream'],
  [29802, 'Hivelocity'],
  [23470, 'ReliableSite'],
  [40676, 'Psychz Networks'],
  [55286, 'ServerMania (B2 Net Solutions)'],
  [19318, 'InterServer'],
  [53667, 'FranTech (BuyVM)'],
  [8100, 'QuadraNet'],
  [3223, 'Voxility'],
  [21859, 'Zenlayer'],
  [36352, 'ColoCrossing (HostPapa)'],
  [54290, 'Hostwinds (HostPapa)'],
  [15395, 'Rackspace (UK)'],
  [27357, 'Rackspace'],
  [19994, 'Rackspace'],
  [33070, 'Rackspace'],
  [20860, 'iomart'],
  [13213, 'UK-2'],
  // Shared web hosting
  [46606, 'Unified Layer (Bluehost)'],
  [26496, 'GoDaddy'],
  [398101, 'GoDaddy'],
  [47583, 'Hostinger'],
]);
