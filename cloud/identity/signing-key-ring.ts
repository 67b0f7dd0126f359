import { calculateJwkThumbprint, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import type { Logger } from '../../core/log/index.js';

/** The signing algorithm of access tokens: ECDSA P-256, asymmetric so that verifiers hold no secret. */
export const SIGNING_ALGORITHM = 'ES256';

/** One key of the ring. */
export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
  createdAt: number;
  /** Set when the key stopped signing: it stays published until its last token has expired. */
  retiredAt?: number;
}

/** Options for {@link SigningKeyRing.create}. */
export interface SigningKeyRingOptions {
  /** Lifetime of the tokens the keys sign; a retired key stays published this long plus the skew. */
  tokenLifetimeInMs: number;
  /** Extra time a retired key stays published, covering verifier clock skew. */
  clockSkewInMs?: number;
  /** Rotate automatically this often once {@link SigningKeyRing.startAutoRotation} is called. */
  rotateEveryInMs?: number;
  logger?: Logger;
  /** Clock, for tests. */
  now?: () => number;
}

/**
 * The identity service's signing keys. One key signs; the next key is published in the JWKS before it
 * signs anything, so verifiers that cache the JWKS already know it when rotation happens; retired keys stay
 * published until every token they signed has expired, then disappear.
 */
export class SigningKeyRing {
  private activeKey!: SigningKey;
  private nextKey!: SigningKey;
  private retired: SigningKey[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  private constructor(private readonly options: SigningKeyRingOptions) {
    this.now = options.now ?? Date.now;
  }

  /** A ring with a fresh active key and a fresh published next key. */
  static async create(options: SigningKeyRingOptions): Promise<SigningKeyRing> {
    const ring = new SigningKeyRing(options);
    ring.activeKey = await ring.generate();
    ring.nextKey = await ring.generate();
    return ring;
  }

  /** The key that signs new tokens. */
  get active(): SigningKey {
    return this.activeKey;
  }

  /** Promote the published next key to active, retire the current one, and publish a new next key. */
  async rotate(): Promise<SigningKey> {
    const upcoming = await this.generate();
    const previous = this.activeKey;
    previous.retiredAt = this.now();
    this.retired.push(previous);
    this.activeKey = this.nextKey;
    this.nextKey = upcoming;
    this.prune();
    this.options.logger?.info({ kid: this.activeKey.kid, retiredKid: previous.kid }, 'signing key rotated');
    return this.activeKey;
  }

  /** The public JSON Web Key Set: next, active and not yet expired retired keys. */
  jwks(): { keys: JWK[] } {
    this.prune();
    return { keys: [this.nextKey, this.activeKey, ...this.retired].map((key) => key.publicJwk) };
  }

  /** Rotate every `rotateEveryInMs`; errors go to `onError`, never out of the timer. */
  startAutoRotation(onError: (err: unknown) => void): void {
    const every = this.options.rotateEveryInMs;
    if (!every || this.timer) return;
    this.timer = setInterval(() => {
      this.rotate().catch(onError);
    }, every);
    this.timer.unref();
  }

  /** Stop automatic rotation. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private prune(): void {
    const keepFor = this.options.tokenLifetimeInMs + (this.options.clockSkewInMs ?? 60_000);
    const now = this.now();
    this.retired = this.retired.filter((key) => (key.retiredAt ?? now) + keepFor > now);
  }

  private async generate(): Promise<SigningKey> {
    const { privateKey, publicKey } = await generateKeyPair(SIGNING_ALGORITHM);
    const jwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(jwk);
    return { kid, privateKey, publicJwk: { ...jwk, kid, alg: SIGNING_ALGORITHM, use: 'sig' }, createdAt: this.now() };
  }
}
