/**
 * The subject-access answer as a readable HTML document that can be sent to the person. Everything
 * that comes from data is escaped; the page has no scripts and no external resources.
 */
import type { SubjectAccessReport } from './subject-access-report';

const escape = (value: unknown): string =>
  String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

const show = (value: unknown): string =>
  typeof value === 'object' && value !== null
    ? Array.isArray(value)
      ? value
          .map((item) => (typeof item === 'object' && item !== null ? show(item) : escape(item)))
          .join('; ')
      : Object.values(value as Record<string, unknown>)
          .map(escape)
          .join(', ')
    : escape(value);

function table(headers: string[], rows: unknown[][]): string {
  if (rows.length === 0) return '<p><em>None.</em></p>';
  const head = headers.map((h) => `<th>${escape(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${show(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

const day = (iso: string) => iso.slice(0, 10);

export function renderAccessReportHtml(report: SubjectAccessReport): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Your personal data held by ${escape(report.controller.name)}</title>
<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto;line-height:1.4}table{border-collapse:collapse;width:100%;margin-bottom:1.5rem}th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#f3f3f3}</style>
</head><body>
<h1>Your personal data</h1>
<p>${escape(report.controller.name)} (${escape(report.controller.contact)}) answers your request for access under the General Data Protection Regulation (art. 15). Generated on ${escape(day(report.generatedAt))}; customer number ${escape(report.subject.customerId)}, customer since ${escape(day(report.subject.customerSince))}.</p>
<h2>The data we hold</h2>
${table(
  ['What', 'Category', 'Value'],
  report.personalData.map((p) => [p.description, p.category, p.value]),
)}
<h2>Why we hold it, on what basis, for how long, and where it comes from</h2>
${table(
  ['Category', 'Purposes', 'Legal basis', 'Kept', 'Source'],
  report.processing.map((p) => [p.category, p.purposes, p.legalBasis, p.retention, p.source]),
)}
<h2>Your orders</h2>
${table(
  ['Date', 'Items', 'Amount', 'IP address', 'IP location', 'Given with the order', 'Review note'],
  report.orders.map((o) => [
    day(o.date),
    o.items.map((i) => i.product + (i.tld ? ` (.${i.tld})` : '')),
    `${(o.amountCents / 100).toFixed(2)} ${o.currency}`,
    o.ipAddress ?? 'erased',
    o.ipLocation === null
      ? ''
      : [o.ipLocation.city, o.ipLocation.region, o.ipLocation.country].filter(Boolean),
    [o.vatNumber, o.email, o.phone, o.iban].filter((v): v is string => v !== null),
    o.reviewNote ?? '',
  ]),
)}
<h2>Who received your data</h2>
${table(
  ['Date', 'Recipient', 'Received', 'Made public', 'Why'],
  report.recipients.map((r) => [
    day(r.date),
    r.thirdParty,
    r.receivedCategories,
    r.madePublic.length === 0 ? 'nothing' : r.madePublic,
    r.purpose,
  ]),
)}
<h2>Who looked at your data, when and why</h2>
${table(
  ['Date', 'By', 'Purpose', 'Which data'],
  report.reads.map((r) => [day(r.date), r.reader, r.purpose ?? '', r.categories]),
)}
<h2>Your requests and complaints, and our answers</h2>
${table(
  ['Received', 'Request', 'Status', 'Answer', 'Extended until, and why'],
  report.correspondence.requests.map((r) => [
    day(r.receivedAt),
    r.kind,
    r.status,
    r.outcome ?? '',
    r.extendedUntil === null ? '' : `${day(r.extendedUntil)}: ${r.extensionReason ?? ''}`,
  ]),
)}
${table(
  ['Received', 'Complaint', 'Status', 'Answer'],
  report.correspondence.complaints.map((c) => [day(c.receivedAt), c.summary, c.status, c.resolution ?? '']),
)}
<h2>Your rights</h2>
<ul>${report.rights.map((r) => `<li>${escape(r)}</li>`).join('')}</ul>
<p>You may complain to the ${escape(report.complaintAuthority.name)}, ${escape(report.complaintAuthority.address)}, ${escape(report.complaintAuthority.website)}.</p>
</body></html>
`;
}
