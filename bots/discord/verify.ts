// Discord signs every interaction with Ed25519 over `timestamp + raw body`; the application's
// public key (hex, from the developer portal) verifies it. Unsigned or mis-signed → 401.
import { createPublicKey, verify, type KeyObject } from 'node:crypto';

/** The application's public key as a Node key object (from its 64-hex-digit form). */
export function discordPublicKey(hex: string): KeyObject {
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new RangeError('a Discord public key is 64 hex digits');
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(hex, 'hex').toString('base64url') }, format: 'jwk' });
}

/** True when `signatureHex` is the key's Ed25519 signature of `timestamp` followed by `body`. */
export function verifyInteraction(key: KeyObject, signatureHex: string | undefined, timestamp: string | undefined, body: Buffer): boolean {
  if (!signatureHex || !timestamp || !/^[0-9a-fA-F]{128}$/.test(signatureHex)) return false;
  try {
    return verify(null, Buffer.concat([Buffer.from(timestamp, 'utf8'), body]), key, Buffer.from(signatureHex, 'hex'));
  } catch {
    return false;
  }
}
