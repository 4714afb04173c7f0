import { Hono } from 'hono';
import type { Env } from '../env.ts';

/** Liveness for monitors: says nothing about requests or visitors. */
export const health = new Hono<{ Bindings: Env }>().get('/', (c) => c.json({ ok: true, service: 'utvag' }));
