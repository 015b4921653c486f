// The answers the resource routes share: a page with its Link header, a created item with
// its address, an item with its version as the ETag the next write sends back.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { setLinkHeader, type ListMeta } from './paging.js';
import { versionEtag } from './preconditions.js';

/** Method syntax on purpose: a route's typed reply fits, and Payload<R> keeps its send checked against the schema. */
type Reply<R> = { header(name: string, value: string): R; send(payload?: unknown): R };
type Payload<R extends Reply<R>> = NonNullable<Parameters<R['send']>[0]>;

/** `ETag: "v<version>"` with the item. */
export const sendVersioned = <R extends Reply<R>>(reply: R, item: Payload<R> & { version: number }) => reply.header('etag', versionEtag(item.version)).send(item);

/** 201 (the route's default code) with `Location`, and `ETag` for items that have versions. */
export function sendCreated<R extends Reply<R>>(reply: R, collection: string, item: Payload<R> & { id: number; version?: number }) {
  reply.header('location', `${collection}/${item.id}`);
  if (item.version !== undefined) reply.header('etag', versionEtag(item.version));
  return reply.send(item);
}

/** A page of items under `data`, the next page's address in `Link`. */
export function pageOf<T>(req: FastifyRequest, reply: FastifyReply, { rows, meta }: { rows: T[]; meta: ListMeta }) {
  setLinkHeader(req, reply, meta);
  return { data: rows, meta };
}
