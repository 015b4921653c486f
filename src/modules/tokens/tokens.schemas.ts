import { createSelectSchema } from 'drizzle-zod';
import { z } from 'zod';
import { apiTokens, tokenRoles } from '../../db/schema.js';
import { idParam, RefSchema } from '../shared/schemas.js';

const example = {
  id: 3,
  name: 'Night desk',
  role: 'editor' as const,
  authorId: null,
  expiresAt: '2027-06-30T00:00:00.000Z',
  revokedAt: null,
  lastUsedAt: '2026-11-24T02:14:09.000Z',
  createdAt: '2026-11-01T18:00:00.000Z',
};

const dateTime = z.iso.datetime();

export const TokenSchema = createSelectSchema(apiTokens, {
  expiresAt: dateTime.nullable(),
  revokedAt: dateTime.nullable(),
  lastUsedAt: dateTime.nullable().describe('Recorded at most once a minute'),
  createdAt: dateTime,
})
  .omit({ secretHash: true, publicId: true })
  .meta({ id: 'Token', description: 'An API token. The secret is never shown again after creation.', examples: [example] });

export const CreateTokenBody = z
  .strictObject({
    name: z.string().trim().min(1).max(100).describe('Who or what uses it'),
    role: z.enum(tokenRoles).describe('admin: everything; editor: all content and publishing; writer: drafts and own articles; viewer: reads drafts'),
    author: RefSchema.nullable().optional().describe('For writers: the author (id or slug) whose articles they may edit'),
    expiresAt: z.iso.datetime({ offset: true }).nullable().optional().describe('When the token stops working; must be in the future. Null or absent: never'),
  })
  .meta({ id: 'CreateToken', examples: [{ name: 'Jane’s laptop', role: 'writer', author: 'jane-q-reporter', expiresAt: '2030-01-01T00:00:00Z' }] });

export const CreatedTokenSchema = TokenSchema.extend({
  token: z.string().describe('The secret bearer token. Shown only in this response: store it now'),
}).meta({
  id: 'CreatedToken',
  examples: [{ ...example, token: 'dl_Q2h4bU9kZXcx_3q2Yf0nH4pR8sV1xK7mB9cD2eF5gJ6kL0oP3rT4uW8yZ1a' }],
});

export const TokenParams = z.object({ id: idParam().meta({ description: 'Token id' }) });
export const TokenList = z.object({ data: z.array(TokenSchema) }).meta({ id: 'TokenList' });
export type CreateToken = z.infer<typeof CreateTokenBody>;
