import { fetch, type Dispatcher } from 'undici';
import type { DueDelivery } from './webhooks.repository.js';
import { signatureHeader } from './signature.js';
import { checkTargetUrl, RefusedTarget, type UrlPolicy } from './url-policy.js';

/** `dispatcher` connects only to addresses the policy checked (see target-agent.ts). */
export type SendOptions = { timeoutMs: number; policy: UrlPolicy; dispatcher: Dispatcher };

/** The policy's refusal, wherever in the error's cause chain the client put it. */
function refusal(err: unknown): RefusedTarget | undefined {
  for (let e = err as { cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (e instanceof RefusedTarget) return e;
  }
  return undefined;
}

/** `status` is the receiver's HTTP status, null when no answer came. */
export type SendResult = { ok: true; status: number } | { ok: false; status: number | null; error: string };

/**
 * One HTTP attempt for one delivery. Never throws: every way it can go wrong becomes a
 * result the worker records. Errors name what happened, never the URL or the headers,
 * which may carry secrets.
 */
export async function sendDelivery(d: DueDelivery, opts: SendOptions): Promise<SendResult> {
  // Literal addresses and names like localhost are judged here; what a name resolves to
  // is judged by the dispatcher as it connects.
  const allowed = checkTargetUrl(d.url, opts.policy);
  if (!allowed.ok) return { ok: false, status: null, error: `Refused: ${allowed.reason}` };

  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), opts.timeoutMs);
  try {
    const res = await fetch(d.url, {
      method: 'POST',
      body: d.payload,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Dateline-Webhooks/1',
        'dateline-event': d.eventType,
        'dateline-delivery': String(d.id),
        // Signed at send time, not enqueue time, so a late retry is not refused as a replay.
        'dateline-signature': signatureHeader(d.secret, d.payload),
      },
      // A redirect could point anywhere, including the private network the URL policy
      // keeps out; receivers must give their final address.
      redirect: 'manual',
      signal: controller.signal,
      dispatcher: opts.dispatcher,
    });
    // The answer's body is not used; cancelling frees the connection.
    await res.body?.cancel().catch(() => undefined);
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
    const note = res.status >= 300 && res.status < 400 ? '; redirects are not followed' : '';
    return { ok: false, status: res.status, error: `The receiver answered ${res.status}${note}` };
  } catch (err) {
    const refused = refusal(err);
    if (refused) return { ok: false, status: null, error: `Refused: ${refused.message}` };
    if (controller.signal.aborted) return { ok: false, status: null, error: `No answer within ${opts.timeoutMs} ms` };
    // fetch reports network failures as "fetch failed" with the useful part in `cause`.
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return { ok: false, status: null, error: `Could not send: ${cause?.code ?? cause?.message ?? (err as Error).message}` };
  } finally {
    clearTimeout(timer);
  }
}
