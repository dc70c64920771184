/** The privacy officer's documents, built from the platform's services: access answers and inspection reports. */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CustomerView } from '../customers/customer-view';
import { renderAccessReportHtml } from './access-report-html';
import { buildInspectionReport, type InspectionReport } from './inspection-report';
import { buildSubjectAccessReport, type ReportDeps, type SubjectAccessReport } from './subject-access-report';

export class PrivacyReportService {
  constructor(private readonly deps: ReportDeps) {}

  async accessReport(
    em: EntityManager,
    customer: CustomerView,
    options: { includeEmployeeNames: boolean },
  ): Promise<{ report: SubjectAccessReport; html: string }> {
    const report = await buildSubjectAccessReport(em, customer, this.deps, options);
    return { report, html: renderAccessReportHtml(report) };
  }

  inspection(em: EntityManager, customerId: string, from: Date, to: Date): Promise<InspectionReport> {
    return buildInspectionReport(em, this.deps.audit, this.deps.cipher, customerId, from, to);
  }
}
