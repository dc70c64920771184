/**
 * Actors and their API tokens: created from the command line, looked up on every request. A short
 * in-process cache spares the database repeated look-ups of the same token, and is used only while this
 * process hears revocations (revocation-listener.ts): a revocation in any process, the command line's
 * included, sends a NOTIFY on commit that empties every listening process's cache, so a revoked token
 * or actor stops working everywhere at once, not after the cache's few seconds.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { generateApiToken, hashApiToken, looksLikeApiToken, tokenDisplayPrefix } from '../crypto/api-token';
import { ActorEntity, type ActorKind } from '../db/entities/actor.entity';
import { ApiTokenEntity } from '../db/entities/api-token.entity';
import { NotFoundError, UnauthenticatedError, ValidationError } from '../errors/errors';
import type { Actor } from '../auth/actor';
import { isRole, roleFitsKind, ROLES_BY_KIND } from '../auth/roles';
import { isUuid } from '../validation/uuid';
import { REVOCATION_CHANNEL, type RevocationListener } from './revocation-listener';

export interface NewActor {
  kind: ActorKind;
  role: string;
  name: string;
}

export interface CreatedActor {
  actor: Actor;
  /** Shown once; only its hash is stored. */
  token: string;
}

export interface TokenCacheOptions {
  /** Without it (the command line, tests) every authentication looks the token up. */
  revocations?: RevocationListener;
  /** How long a looked-up token is trusted without asking the database again. */
  ttlMs?: number;
}

export class ActorService {
  private readonly cache = new Map<string, { actor: Actor; until: number }>();
  /** Moves on with every revocation heard, so a look-up that overlapped one is not cached. */
  private generation = 0;
  private readonly ttlMs: number;

  constructor(private readonly tokenCache: TokenCacheOptions = {}) {
    this.ttlMs = tokenCache.ttlMs ?? 5_000;
    tokenCache.revocations?.onRevoked(() => this.forgetTokens());
  }

  /** Drops every cached token (a revocation was heard, or may have been missed). */
  forgetTokens(): void {
    this.cache.clear();
    this.generation++;
  }

  async create(em: EntityManager, input: NewActor): Promise<CreatedActor> {
    const kinds = Object.keys(ROLES_BY_KIND) as ActorKind[];
    if (!kinds.includes(input.kind)) {
      throw new ValidationError('kind', `must be one of ${kinds.join(', ')}`);
    }
    if (!isRole(input.role) || !roleFitsKind(input.role, input.kind)) {
      throw new ValidationError(
        'role',
        `for kind ${input.kind} must be one of ${ROLES_BY_KIND[input.kind].join(', ')}`,
      );
    }
    const name = input.name.trim();
    if (name.length === 0 || name.length > 200) {
      throw new ValidationError('name', 'must be 1 to 200 characters');
    }
    const actor = em.create(ActorEntity, { kind: input.kind, role: input.role, name });
    const token = this.newToken(em, actor);
    await em.flush();
    return { actor: toActor(actor), token };
  }

  /** A further token for an existing actor (rotation); the old ones keep working until revoked. */
  async issueToken(em: EntityManager, actorId: string): Promise<string> {
    const actor = isUuid(actorId) ? await em.findOne(ActorEntity, { id: actorId, revokedAt: null }) : null;
    if (actor === null) throw new NotFoundError('actor', actorId);
    const token = this.newToken(em, actor);
    await em.flush();
    return token;
  }

  /**
   * Revokes one token (by its value or its displayed prefix) or, with `actorId`, the actor and all its
   * tokens; all or nothing. A token that matches no active one is NotFoundError: a typo, or a token
   * revoked already, must not pass for a revocation.
   */
  async revoke(em: EntityManager, target: { token?: string; actorId?: string }): Promise<number> {
    const now = new Date();
    const count = await em.transactional(async (tx) => {
      let revoked = 0;
      if (target.actorId !== undefined) {
        const actor = isUuid(target.actorId) ? await tx.findOne(ActorEntity, { id: target.actorId }) : null;
        if (actor === null) throw new NotFoundError('actor', target.actorId);
        actor.revokedAt ??= now;
        revoked = await tx.nativeUpdate(ApiTokenEntity, { actor, revokedAt: null }, { revokedAt: now });
      }
      if (target.token !== undefined) {
        const where = looksLikeApiToken(target.token)
          ? { tokenHash: hashApiToken(target.token) }
          : { prefix: target.token };
        const matched = await tx.nativeUpdate(
          ApiTokenEntity,
          { ...where, revokedAt: null },
          { revokedAt: now },
        );
        // Only the displayed prefix is named: the value given may be the whole secret.
        if (matched === 0) throw new NotFoundError('active token', tokenDisplayPrefix(target.token));
        revoked += matched;
      }
      // Delivered on commit to every process listening (revocation-listener.ts), to drop cached tokens.
      await tx.execute(`select pg_notify('${REVOCATION_CHANNEL}', '')`);
      return revoked;
    });
    this.forgetTokens();
    return count;
  }

  /** The actor behind a bearer token; UnauthenticatedError for anything unknown or revoked. */
  async authenticate(em: EntityManager, token: string): Promise<Actor> {
    const hash = looksLikeApiToken(token) ? hashApiToken(token) : null;
    if (hash === null) throw new UnauthenticatedError('The bearer token is malformed.');
    const revocations = this.tokenCache.revocations;
    void revocations?.start(); // at the first authentication: the command line never listens
    const cacheUsable = () => revocations?.listening === true;
    const cached = cacheUsable() ? this.cache.get(hash) : undefined;
    if (cached !== undefined && cached.until > Date.now()) return cached.actor;
    const generation = this.generation;
    const row = await em.findOne(ApiTokenEntity, { tokenHash: hash }, { populate: ['actor'] });
    if (row === null || row.revokedAt !== null || row.actor.revokedAt !== null) {
      this.cache.delete(hash);
      throw new UnauthenticatedError('The bearer token is unknown or has been revoked.');
    }
    const actor = toActor(row.actor);
    // Not when a revocation was heard (or listening stopped) while the row was read: it may be stale.
    if (cacheUsable() && generation === this.generation) {
      this.cache.set(hash, { actor, until: Date.now() + this.ttlMs });
    }
    return actor;
  }

  async list(em: EntityManager): Promise<Actor[]> {
    const rows = await em.find(ActorEntity, { revokedAt: null }, { orderBy: { createdAt: 'asc' } });
    return rows.map(toActor);
  }

  /** Display names by id, for reports that show who acted. */
  async namesByIds(em: EntityManager, ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await em.find(ActorEntity, { id: { $in: [...new Set(ids)] } });
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  private newToken(em: EntityManager, actor: ActorEntity): string {
    const generated = generateApiToken();
    em.create(ApiTokenEntity, { actor, tokenHash: generated.tokenHash, prefix: generated.prefix });
    return generated.token;
  }
}

function toActor(entity: ActorEntity): Actor {
  if (!isRole(entity.role)) throw new Error(`actor ${entity.id} has an unknown role ${entity.role}`);
  return { id: entity.id, kind: entity.kind, role: entity.role, name: entity.name };
}
