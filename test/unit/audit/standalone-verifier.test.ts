/**
 * The offline verifier and the canonical event form it depends on: every event of a small log verifies
 * from every kind of evidence, every tamper with the event, the proof or the checkpoint is reported (not
 * thrown), the script's exit codes, and the rule that the verifier needs nothing but Node and its siblings.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  canonicalEventBytes,
  canonicalEventJson,
  CanonicalEventError,
  eventLeafHash,
} from '../../../audit/canonical-event';
import { publicKeyHex, signCheckpoint } from '../../../audit/checkpoint';
import type { Checkpoint } from '../../../audit/checkpoint';
import { hashToHex, inclusionProofFromLeafHashes, leafHash, rootFromLeafHashes } from '../../../audit/merkle';
import { main, verifyBundle, verifyEventProof } from '../../../audit/standalone-verifier';
import type { EventProofBundle, SignedCheckpointJson } from '../../../audit/standalone-verifier';

const AUDIT_DIR = join(__dirname, '..', '..', '..', 'audit');

describe('canonicalEventBytes', () => {
  it('sorts keys recursively, drops whitespace and undefined, keeps null, writes dates as ISO', () => {
    const event = {
      b: 1,
      when: new Date('2025-01-02T03:04:05.678Z'),
      a: { d: [3, { z: null, y: 'é' }], c: true },
      skipped: undefined,
    };
    expect(canonicalEventJson(event)).toBe(
      '{"a":{"c":true,"d":[3,{"y":"é","z":null}]},"b":1,"when":"2025-01-02T03:04:05.678Z"}',
    );
    expect(canonicalEventBytes(event)).toEqual(Buffer.from(canonicalEventJson(event), 'utf8'));
    expect(canonicalEventBytes({ e: 'é' }).toString('hex')).toBe('7b2265223a22c3a9227d');
  });

  it('does not depend on the order keys were added in', () => {
    expect(canonicalEventJson({ a: 1, b: { x: 1, y: 2 } })).toBe(
      canonicalEventJson({ b: { y: 2, x: 1 }, a: 1 }),
    );
  });

  it('orders keys by UTF-16 code units, as RFC 8785 (JCS) does', () => {
    const keys = ['b', 'ｚ', 'B', 'a', '10', '9', 'é', '\u{1F600}'];
    const json = canonicalEventJson(Object.fromEntries(keys.map((k) => [k, 0])));
    // U+1F600 is the surrogate pair D83D DE00, which sorts before U+FF5A (code point order would not).
    expect(json).toBe('{"10":0,"9":0,"B":0,"a":0,"b":0,"é":0,"\u{1F600}":0,"ｚ":0}');
  });

  it('gives the same bytes as the event after a JSON round trip, which is all a verifier has', () => {
    const events: Array<Record<string, unknown>> = [
      { at: new Date(0), list: [1, undefined, 'x'], gone: undefined, kept: null },
      { nested: { deeper: { when: new Date('2030-06-01T12:00:00.000Z'), n: -0 } } },
      { text: 'quote " backslash \\ newline \n tab \t control \u0001 lone \ud800 emoji \u{1F600}' },
      { numbers: [0, 1.5, -2, 1e21, 1e-7, Number.MAX_SAFE_INTEGER], bool: [true, false] },
      { buffer: Buffer.from('hi'), custom: { toJSON: () => ({ z: 1, a: 2 }) } },
      // eslint-disable-next-line no-sparse-arrays
      { sparse: [1, , 3] },
      {},
    ];
    for (const event of events) {
      const roundTripped = JSON.parse(JSON.stringify(event)) as Record<string, unknown>;
      expect(canonicalEventJson(roundTripped)).toBe(canonicalEventJson(event));
      expect(JSON.parse(canonicalEventJson(event))).toEqual(roundTripped);
    }
  });

  it('refuses values JSON would drop or change silently, naming where they are', () => {
    class Subject {
      id = 1;
    }
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ a: NaN }, '$.a'],
      [{ a: { b: Infinity } }, '$.a.b'],
      [{ a: [1, -Infinity] }, '$.a[1]'],
      [{ big: 1n }, '$.big'],
      [{ f: () => 1 }, '$.f'],
      [{ s: Symbol('s') }, '$.s'],
      [{ m: new Map([[1, 2]]) }, '$.m'],
      [{ set: new Set([1]) }, '$.set'],
      [{ subject: new Subject() }, '$.subject'],
      [{ when: new Date('not a date') }, '$.when'],
      [cyclic, '$.self'],
    ];
    for (const [event, path] of cases) {
      const error = catchError(() => canonicalEventBytes(event));
      expect(error, path).toBeInstanceOf(CanonicalEventError);
      expect((error as CanonicalEventError).path).toBe(path);
    }
    expect(() => canonicalEventBytes([] as unknown as Record<string, unknown>)).toThrow(CanonicalEventError);
    expect(() => canonicalEventBytes(null as unknown as Record<string, unknown>)).toThrow(
      CanonicalEventError,
    );
  });

  it('allows the same object twice when it is not a cycle', () => {
    const shared = { id: 7 };
    expect(canonicalEventJson({ a: shared, b: shared })).toBe('{"a":{"id":7},"b":{"id":7}}');
  });

  it('hashes events as leafHash(canonicalEventBytes(event))', () => {
    const event = { action: 'read', at: new Date(0) };
    expect(eventLeafHash(event)).toEqual(leafHash(canonicalEventBytes(event)));
  });
});

// ---------------------------------------------------------------------------------------------------
// A small log: 13 events (not a power of two), sealed under one signed checkpoint.

const LOG_SIZE = 13;
const EVENTS: Array<Record<string, unknown>> = Array.from({ length: LOG_SIZE }, (_, i) => ({
  id: `evt-${i}`,
  action: i % 2 === 0 ? 'customer.read' : 'customer.export',
  actor: { kind: 'user', id: `user-${i % 3}` },
  purpose: 'fraud-review',
  subjectIds: [`cust-${i}`, `cust-${i + 100}`],
  occurredAt: new Date(Date.UTC(2025, 0, 1, 0, 0, i)),
  note: i === 4 ? null : undefined,
}));
const LEAVES = EVENTS.map(eventLeafHash);
const LOG_KEYS = generateKeyPairSync('ed25519');
const OTHER_KEYS = generateKeyPairSync('ed25519');
const CHECKPOINT: Checkpoint = {
  treeSize: LOG_SIZE,
  rootHash: hashToHex(rootFromLeafHashes(LEAVES)),
  createdAt: '2025-01-01T00:01:00.000Z',
};
const SIGNED_CHECKPOINT: SignedCheckpointJson = {
  ...CHECKPOINT,
  signature: signCheckpoint(CHECKPOINT, LOG_KEYS.privateKey),
  publicKey: publicKeyHex(LOG_KEYS.publicKey),
};

function bundleFor(i: number): EventProofBundle {
  return {
    event: EVENTS[i]!,
    proof: {
      leafIndex: i,
      treeSize: LOG_SIZE,
      proof: inclusionProofFromLeafHashes(i, LOG_SIZE, LEAVES).map(hashToHex),
    },
    checkpoint: { ...SIGNED_CHECKPOINT },
  };
}

/** A forged log: the attacker's own events, root and key, internally consistent. */
function forgedBundle(): EventProofBundle {
  const event = { ...EVENTS[0]!, purpose: 'forged' };
  const forgedLeaves = [eventLeafHash(event), ...LEAVES.slice(1)];
  const cp: Checkpoint = { ...CHECKPOINT, rootHash: hashToHex(rootFromLeafHashes(forgedLeaves)) };
  return {
    event,
    proof: {
      leafIndex: 0,
      treeSize: LOG_SIZE,
      proof: inclusionProofFromLeafHashes(0, LOG_SIZE, forgedLeaves).map(hashToHex),
    },
    checkpoint: {
      ...cp,
      signature: signCheckpoint(cp, OTHER_KEYS.privateKey),
      publicKey: publicKeyHex(OTHER_KEYS.publicKey),
    },
  };
}

describe('verifyEventProof', () => {
  it.each(EVENTS.map((_, i) => i))('verifies event %i from the event, its bytes or its leaf hash', (i) => {
    const { event, proof, checkpoint } = bundleFor(i);
    const fromEvent = verifyEventProof({ event, proof, checkpoint });
    expect(fromEvent).toMatchObject({ ok: true, leafHash: hashToHex(LEAVES[i]!) });
    expect(fromEvent.message).toMatch(/^OK: /);
    expect(verifyEventProof({ eventCanonicalBytes: canonicalEventBytes(event), proof, checkpoint }).ok).toBe(
      true,
    );
    expect(verifyEventProof({ leafHash: hashToHex(LEAVES[i]!), proof, checkpoint }).ok).toBe(true);
    expect(verifyEventProof({ leafHash: LEAVES[i]!, proof, checkpoint }).ok).toBe(true);
  });

  it('verifies a bundle that went through JSON, as an exported file does', () => {
    for (let i = 0; i < LOG_SIZE; i += 1) {
      expect(verifyBundle(JSON.parse(JSON.stringify(bundleFor(i)))).ok).toBe(true);
    }
  });

  it('says when the key was not pinned, and pins it when asked', () => {
    expect(verifyEventProof(bundleFor(3)).message).toContain('not pinned');
    const pinned = verifyEventProof({ ...bundleFor(3), trustedPublicKey: publicKeyHex(LOG_KEYS.publicKey) });
    expect(pinned.ok).toBe(true);
    expect(pinned.message).not.toContain('not pinned');
    expect(verifyEventProof({ ...bundleFor(3), trustedPublicKey: LOG_KEYS.publicKey }).ok).toBe(true);
  });

  type Tamper = (b: EventProofBundle) => void;
  const tampers: Array<[string, Tamper, RegExp]> = [
    ['an event field changed', (b) => (b.event = { ...b.event, purpose: 'marketing' }), /root mismatch/],
    ['an event field added', (b) => (b.event = { ...b.event, extra: 1 }), /root mismatch/],
    ['an event field removed', (b) => (b.event = { ...b.event, purpose: undefined }), /root mismatch/],
    ['another event', (b) => (b.event = EVENTS[6]!), /root mismatch/],
    ['a proof hash altered', (b) => (b.proof.proof[1] = 'f'.repeat(64)), /root mismatch/],
    ['the proof truncated', (b) => b.proof.proof.pop(), /wrong inclusion proof length/],
    ['the proof extended', (b) => b.proof.proof.push('0'.repeat(64)), /wrong inclusion proof length/],
    ['a proof hash not hex', (b) => (b.proof.proof[0] = 'xyz'), /proof\.proof\[0\]/],
    ['the leaf index', (b) => (b.proof.leafIndex = 6), /root mismatch|length/],
    ['the leaf index outside the tree', (b) => (b.proof.leafIndex = LOG_SIZE), /outside the tree/],
    ['the proof tree size', (b) => (b.proof.treeSize = LOG_SIZE + 1), /checkpoint signs a tree of 13/],
    ['the checkpoint size', (b) => (b.checkpoint.treeSize = LOG_SIZE - 1), /signature does not verify/],
    ['the checkpoint root', (b) => (b.checkpoint.rootHash = 'a'.repeat(64)), /signature does not verify/],
    [
      'the checkpoint time',
      (b) => (b.checkpoint.createdAt = '2025-01-01T00:02:00.000Z'),
      /signature does not verify/,
    ],
    ['the checkpoint origin', (b) => (b.checkpoint.origin = 'another-log'), /signature does not verify/],
    [
      'the signature',
      (b) => (b.checkpoint.signature = flipHexBit(b.checkpoint.signature)),
      /signature does not verify/,
    ],
    [
      'the key',
      (b) => (b.checkpoint.publicKey = publicKeyHex(OTHER_KEYS.publicKey)),
      /signature does not verify/,
    ],
    ['the key garbled', (b) => (b.checkpoint.publicKey = 'not-a-key'), /public key/],
  ];

  it.each(tampers)('fails, with a reason, when %s', (_, tamper, reason) => {
    const bundle = bundleFor(5);
    tamper(bundle);
    const result = verifyEventProof(bundle);
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(reason);
  });

  it('accepts a self-consistent forgery only while the key is not pinned', () => {
    expect(verifyEventProof(forgedBundle()).ok).toBe(true);
    const pinned = verifyEventProof({
      ...forgedBundle(),
      trustedPublicKey: publicKeyHex(LOG_KEYS.publicKey),
    });
    expect(pinned.ok).toBe(false);
    expect(pinned.message).toContain('not by the trusted key');
  });

  it("fails when the event's sequence is not the leaf the proof places it at", () => {
    const numbered = [0, 1, 2].map((sequence) => ({ ...EVENTS[sequence]!, sequence }));
    // A self-consistent tree in which the event numbered 2 sits at leaf 0.
    const leaves = [numbered[2]!, numbered[1]!, numbered[0]!].map(eventLeafHash);
    const cp: Checkpoint = { ...CHECKPOINT, treeSize: 3, rootHash: hashToHex(rootFromLeafHashes(leaves)) };
    const checkpoint = {
      ...cp,
      signature: signCheckpoint(cp, LOG_KEYS.privateKey),
      publicKey: publicKeyHex(LOG_KEYS.publicKey),
    };
    const proofAt = (leafIndex: number) => ({
      leafIndex,
      treeSize: 3,
      proof: inclusionProofFromLeafHashes(leafIndex, 3, leaves).map(hashToHex),
    });
    const misplaced = verifyEventProof({ event: numbered[2]!, proof: proofAt(0), checkpoint });
    expect(misplaced.ok).toBe(false);
    expect(misplaced.message).toContain('sequence 2 but the proof is for leaf 0');
    expect(verifyEventProof({ event: numbered[1]!, proof: proofAt(1), checkpoint }).ok).toBe(true);
  });

  it('needs exactly one kind of evidence for the event', () => {
    const { event, proof, checkpoint } = bundleFor(0);
    const both = { event, leafHash: hashToHex(LEAVES[0]!), proof, checkpoint } as unknown as Parameters<
      typeof verifyEventProof
    >[0];
    expect(verifyEventProof(both)).toMatchObject({
      ok: false,
      message: expect.stringContaining('exactly one'),
    });
    const none = { proof, checkpoint } as unknown as Parameters<typeof verifyEventProof>[0];
    expect(verifyEventProof(none).ok).toBe(false);
  });

  it('reports an event that cannot be canonicalised instead of throwing', () => {
    const bundle = bundleFor(0);
    bundle.event = { ...bundle.event, amount: NaN };
    expect(verifyEventProof(bundle)).toMatchObject({
      ok: false,
      message: expect.stringContaining('$.amount'),
    });
  });

  it('reports bundles of the wrong shape', () => {
    const shapes: unknown[] = [
      null,
      [],
      { proof: {}, checkpoint: {} },
      { ...bundleFor(0), proof: { ...bundleFor(0).proof, proof: 'abc' } },
      { ...bundleFor(0), proof: { ...bundleFor(0).proof, leafIndex: '0' } },
      { ...bundleFor(0), checkpoint: { ...SIGNED_CHECKPOINT, signature: undefined } },
      { ...bundleFor(0), checkpoint: { ...SIGNED_CHECKPOINT, origin: 5 } },
    ];
    for (const shape of shapes) expect(verifyBundle(shape).ok, JSON.stringify(shape)).toBe(false);
  });
});

describe('the script', () => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-verifier-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function write(name: string, content: string): string {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  }

  function run(args: string[]): { code: number; out: string[]; err: string[] } {
    const out: string[] = [];
    const err: string[] = [];
    const code = main(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out, err };
  }

  it('prints OK and exits 0 for a good bundle', () => {
    const result = run([write('good.json', JSON.stringify(bundleFor(7)))]);
    expect(result).toMatchObject({ code: 0, err: [] });
    expect(result.out.join('\n')).toMatch(/^OK: .* leaf 7 of the 13-leaf tree/);
  });

  it('prints the reason and exits 1 for a tampered bundle', () => {
    const bundle = bundleFor(7);
    bundle.event = { ...bundle.event, actor: { kind: 'user', id: 'someone-else' } };
    const result = run([write('tampered.json', JSON.stringify(bundle))]);
    expect(result.code).toBe(1);
    expect(result.err.join('\n')).toMatch(/^FAILED: root mismatch/);
  });

  it('pins the key with --public-key', () => {
    const good = write('pin.json', JSON.stringify(bundleFor(2)));
    expect(run([good, '--public-key', publicKeyHex(LOG_KEYS.publicKey)]).code).toBe(0);
    expect(run([good, '--public-key', publicKeyHex(OTHER_KEYS.publicKey)]).code).toBe(1);
    expect(
      run([
        write('forged.json', JSON.stringify(forgedBundle())),
        '--public-key',
        publicKeyHex(LOG_KEYS.publicKey),
      ]).code,
    ).toBe(1);
  });

  it('exits 1 with a reason for bad usage and unreadable files', () => {
    const cases: string[][] = [
      [],
      ['--public-key', 'abc'],
      [join(dir, 'missing.json')],
      [write('broken.json', '{ not json')],
      [write('empty-object.json', '{}')],
      [write('ok-but-extra.json', JSON.stringify(bundleFor(0))), '--verbose'],
    ];
    for (const args of cases) {
      const result = run(args);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.err.join('\n').length).toBeGreaterThan(0);
    }
  });
});

describe('self-containment', () => {
  // The verifier is handed to outsiders; it must not grow a path to the server, the ORM or the database.
  const ALLOWED = new Map<string, readonly string[]>([
    ['standalone-verifier.ts', ['node:fs', 'node:crypto', './canonical-event', './checkpoint', './merkle']],
    ['canonical-event.ts', ['./merkle']],
    ['checkpoint.ts', ['node:crypto', './merkle']],
    ['merkle.ts', ['node:crypto']],
  ]);

  it.each([...ALLOWED])('%s imports only Node built-ins and its audit siblings', (file, allowed) => {
    const source = readFileSync(join(AUDIT_DIR, file), 'utf8');
    const specifiers = [...source.matchAll(/(?:from|import|require\()\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
    expect(specifiers.length).toBeGreaterThan(0);
    for (const specifier of specifiers) expect(allowed, `${file} imports ${specifier}`).toContain(specifier);
  });
});

function flipHexBit(hex: string): string {
  const bytes = Buffer.from(hex, 'hex');
  bytes[0]! ^= 1;
  return bytes.toString('hex');
}

function catchError(f: () => unknown): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
