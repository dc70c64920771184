/**
 * A disclosure recorded without an end (validUntil) can be ended later: the order was carried out, the
 * contract ended, the domain moved to another registrar. The register stays insert-only, so the end is
 * a row of its own, one per disclosure, naming who ended it, when access ends and why.
 */
import { Migration } from '@mikro-orm/migrations';
import { APP_ROLE } from './Migration20261125000002_audit_log';

export class Migration20261203000007_disclosure_end extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table disclosure_end (
        disclosure_id uuid primary key references disclosure (id),
        ends_at timestamptz not null,
        reason text not null,
        actor_id uuid null references actor (id),
        recorded_at timestamptz not null
      );
      grant select, insert on disclosure_end to ${APP_ROLE};
    `);
  }

  override async down(): Promise<void> {
    this.addSql('drop table disclosure_end;');
  }
}
