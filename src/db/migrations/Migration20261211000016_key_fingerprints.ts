/**
 * A fingerprint of each key whose change the data cannot show by itself. A new BLIND_INDEX_KEY makes
 * every stored blind index unfindable without any error: searches find nothing and the velocity and
 * identity-reuse counts start from zero. The platform records the key's fingerprint at its first start
 * and refuses to start with another (src/crypto/key-fingerprint.ts). The application may add a
 * fingerprint, never change or remove one.
 */
import { Migration } from '@mikro-orm/migrations';
import { APP_ROLE } from './Migration20261125000002_audit_log';

export class Migration20261211000016_key_fingerprints extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table key_fingerprint (
        key_name text primary key,
        fingerprint text not null,
        recorded_at timestamptz not null default now()
      );
      grant select, insert on key_fingerprint to ${APP_ROLE};
    `);
  }

  override async down(): Promise<void> {
    this.addSql('drop table key_fingerprint;');
  }
}
