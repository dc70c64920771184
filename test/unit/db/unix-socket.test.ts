/** Connecting to PostgreSQL through a Unix-domain socket: when the embedded cluster offers one, and the ORM honouring `?host=`. */
import { describe, expect, it } from 'vitest';
import { socketUsable } from '../../../src/db/embedded-postgres';
import { ormConfig } from '../../../src/db/orm';

describe('socketUsable', () => {
  it('takes a plain folder whose socket path fits in 103 bytes (the least of Linux and macOS)', () => {
    expect(socketUsable('/work/main/.data/postgres', 54339)).toBe(true);
  });

  it('refuses a folder so deep that the socket path would not fit', () => {
    const deep = `/${'d'.repeat(88)}`; // + "/.s.PGSQL.54339" is 104 bytes
    expect(socketUsable(deep, 54339)).toBe(false);
    expect(socketUsable(deep.slice(0, 88), 54339)).toBe(true); // 103 bytes exactly
  });

  it('is not used on Windows, whose paths pg would take for a host name', () => {
    expect(socketUsable('C:/pfp/.data/postgres', 54339, 'win32')).toBe(false);
    expect(socketUsable('/pfp/.data/postgres', 54339, 'linux')).toBe(true);
  });

  it('refuses folders PostgreSQL would split or unquote (comma, quote, space, backslash)', () => {
    for (const dir of ['/srv/a,b/pg', '/srv/"pg"', "/srv/o'neil/pg", '/srv/my data/pg', '/srv/a\\b']) {
      expect(socketUsable(dir, 5432)).toBe(false);
    }
  });
});

describe('ormConfig', () => {
  it("passes a URL's ?host= (a socket folder) to the ORM, which otherwise reads only the URL's host", () => {
    const config = ormConfig({ url: 'postgres://u:p@localhost:5432/db?host=%2Fvar%2Frun%2Fpostgresql' });
    expect(config.host).toBe('/var/run/postgresql');
  });

  it('leaves the host to the URL when it has no ?host=', () => {
    expect(ormConfig({ url: 'postgres://u:p@db.example:5432/db' }).host).toBeUndefined();
  });
});
