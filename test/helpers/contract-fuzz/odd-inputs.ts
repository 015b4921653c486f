// Odd inputs: nasty strings, path segments, header values and dates, and the webhook URLs the
// fuzzer may (and may not) register.

import fc from 'fast-check';

/** Words for names and headlines: some accents, scripts and typographic punctuation. */
export const TITLE_WORDS = ['Court', 'Budget', 'Metro', 'Ali Çelik', 'São Paulo', 'Zürich', '北京', 'Москва', '“Quoted”', 'it’s', '—', 'O’Brien', 'naïve', '🚇', 'ﬁnal', 'Straße'];

/** Strings that tend to break things: control characters, lone surrogates, bidi, injection. */
export const NASTY_STRINGS = [
  '',
  ' ',
  '   ',
  '\t\n\r',
  '\u0000',
  'a\u0000b',
  '\uD800',
  'x\uDBFF',
  '\uDC00y',
  '\u202Egnp.exe\u202C',
  '\u200B',
  '\u200D\u200C',
  '\uFEFF',
  '\u2028\u2029',
  '👩‍👩‍👧‍👦',
  '🏳️‍🌈',
  'e\u0301\u0301\u0301',
  'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇',
  'العربية',
  'עִבְרִית',
  '中文字符',
  '𝕳𝖊𝖑𝖑𝖔',
  'ǅ',
  'İı',
  'null',
  'undefined',
  'NaN',
  'true',
  '0',
  '-1',
  '1e309',
  '9007199254740993',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '[x](javascript:alert(1))',
  '"',
  "'",
  '\\',
  '%',
  '%00',
  '%s%n%x',
  '../../etc/passwd',
  "' OR 1=1 --",
  '; DROP TABLE articles; --',
  '${7*7}',
  '{{7*7}}',
  '__proto__',
  'constructor',
  'hasOwnProperty',
  '*',
  '"',
  '"unterminated',
  'NEAR(a b)',
  'a AND OR NOT',
  'headline:x',
  '^',
  '-',
  '--',
  'ab*',
  '**',
  'javascript:alert(1)',
  'data:text/html,<b>x</b>',
];

/** Path segments, as they appear in the URL (already encoded, or deliberately not). */
export const NASTY_SEGMENTS = [
  '0',
  '-1',
  '1.5',
  '1e3',
  '0x10',
  '007',
  '+1',
  ' 1',
  '999999999',
  '9007199254740991',
  '9007199254740993',
  '99999999999999999999999999',
  '%20',
  '%00',
  '%2F',
  'a%2Fb',
  '...',
  '%',
  '%zz',
  '%E0%A4%A',
  '%C0%AE',
  '%ED%A0%80',
  '%EF%BB%BF',
  'null',
  'undefined',
  '__proto__',
  'constructor',
  ';x',
  'a;b=c',
  '*',
  'x'.repeat(121),
  'x'.repeat(200),
  'x'.repeat(201),
  '9'.repeat(250),
  'x'.repeat(5000),
  '%F0%9F%98%80'.repeat(40),
];

export const NASTY_HEADER_VALUES = ['', ' ', 'null', '*', '"', '""', 'x'.repeat(8000), '\t', 'é', '%00', '{}', '[]', '0', '-1'];

/**
 * Date-times far from now, from fixed ranges so a seed gives the same requests any day: a
 * scheduled publish must never fall due while a case is being measured (the scheduler would
 * write in the middle of it).
 */
export const dateTime = (): fc.Arbitrary<string> => {
  const date = fc.oneof(
    fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2019-12-31T23:59:59Z'), noInvalidDate: true }),
    fc.date({ min: new Date('2200-01-01T00:00:00Z'), max: new Date('9000-12-31T00:00:00Z'), noInvalidDate: true }),
  );
  const pad = (n: number) => String(n).padStart(2, '0');
  const withOffset = (d: Date, minutes: number) => {
    const local = new Date(d.getTime() + minutes * 60_000);
    const sign = minutes < 0 ? '-' : '+';
    const abs = Math.abs(minutes);
    return `${local.toISOString().replace(/\.\d{3}Z$/, '')}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  };
  return fc.oneof(
    { weight: 6, arbitrary: date.map((d) => d.toISOString()) },
    { weight: 2, arbitrary: date.map((d) => d.toISOString().replace(/\.\d{3}Z$/, 'Z')) },
    {
      weight: 2,
      arbitrary: fc.tuple(date, fc.constantFrom(-720, -300, -90, 0, 60, 330, 345, 840)).map(([d, m]) => withOffset(d, m)),
    },
    { weight: 1, arbitrary: fc.constantFrom('1970-01-01T00:00:00Z', '2000-02-29T12:00:00.123456Z', '8999-12-31T23:59:59.999Z') },
  );
};

export const BAD_DATE_TIMES = [
  '2020-13-01T00:00:00Z',
  '2020-02-30T00:00:00Z',
  '2021-02-29T00:00:00Z',
  '2020-01-01',
  '2020-01-01T00:00:00',
  '2020-01-01 00:00:00Z',
  '2020-01-01T24:00:00Z',
  '2016-12-31T23:59:60Z',
  '2020-01-01T00:00:00+25:00',
  '2020-01-01T00:00:00.Z',
  '+010000-01-01T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  '0000-00-00T00:00:00Z',
  '9999-99-99T99:99:99Z',
  'yesterday',
  'now',
  '1700000000',
  'T00:00:00Z',
  '2020-01-01T00:00:00Z ',
  '２０２０-01-01T00:00:00Z',
];

/** Webhook targets the server refuses before any network access (policy: private, localhost, scheme, credentials). */
const REFUSED_WEBHOOK_URLS = [
  'http://localhost/hook',
  'http://sub.localhost:9/hook',
  'http://10.0.0.1/hook',
  'http://192.168.1.10:8080/',
  'http://169.254.169.254/latest/meta-data',
  'http://[::1]/x',
  'http://[fe80::1]/x',
  'http://0.0.0.0/',
  'http://127.0.0.2:9/',
  'ftp://127.0.0.1:9/x',
  'file:///etc/passwd',
  'javascript:alert(1)',
  'http://user:pass@127.0.0.1:9/x',
  'not a url',
  '//127.0.0.1:9/x',
];

/** The only address a webhook made by the fuzzer may point at: the discard port on loopback. */
export const SAFE_WEBHOOK = 'http://127.0.0.1:9';

/** Never lets a webhook point anywhere the server would send to, except 127.0.0.1:9. */
export function safeWebhookUrl(url: unknown): unknown {
  if (typeof url !== 'string') return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url; // refused as "not a valid URL" before any network access
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return url;
  if (parsed.username || parsed.password) return url;
  if (parsed.hostname === '127.0.0.1' && parsed.port === '9') return url;
  if (REFUSED_WEBHOOK_URLS.includes(url)) return url;
  return `${SAFE_WEBHOOK}/replaced`;
}
