import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

// `Dateline-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`, the
// scheme Stripe made familiar: the timestamp is signed with the body, so a captured
// request cannot be replayed after the tolerance, and `v1` leaves room for a new scheme.

/** 256 random bits; the prefix makes a leaked secret recognisable to secret scanners. */
export const newWebhookSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

const hmacHex = (secret: string, timestamp: number, body: string) =>
  createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');

export function signatureHeader(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)): string {
  return `t=${timestamp},v1=${hmacHex(secret, timestamp, body)}`;
}

/**
 * How a receiver checks a delivery: the raw request body (before any JSON parsing), the
 * `Dateline-Signature` header and the secret shown when the webhook was created. False
 * when the header is malformed, too old or too new, or no `v1` signature matches.
 */
export function verifySignature(
  secret: string,
  header: string | undefined,
  body: string,
  toleranceSeconds = 300,
  nowSeconds = Math.floor(Date.now() / 1000),
): boolean {
  if (!header) return false;
  let timestamp: number | undefined;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const [key, value] = part.trim().split('=', 2);
    if (key === 't' && value && /^\d+$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && value && /^[0-9a-f]{64}$/.test(value)) candidates.push(value);
  }
  if (timestamp === undefined || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(hmacHex(secret, timestamp, body), 'hex');
  // Constant time, and every candidate is compared so timing does not say which matched.
  let ok = false;
  for (const c of candidates) ok = timingSafeEqual(expected, Buffer.from(c, 'hex')) || ok;
  return ok;
}
