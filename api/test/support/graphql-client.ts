/** Plain HTTP to the server, as an attacker would send it: nothing added, nothing checked. */
import { expect } from 'vitest';
import type { ErrorCode } from '../../src/errors.js';

export interface GraphQLResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly headers: Headers;
  readonly data: T | null | undefined;
  readonly errors: { message: string; extensions?: Record<string, unknown> }[] | undefined;
}

export async function post<T = Record<string, unknown>>(url: string, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<GraphQLResponse<T>> {
  return postRaw<T>(url, JSON.stringify({ query, variables }), headers);
}

export async function postRaw<T = Record<string, unknown>>(url: string, body: string, headers: Record<string, string> = {}): Promise<GraphQLResponse<T>> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await res.text();
  let json: { data?: T | null; errors?: GraphQLResponse['errors'] } = {};
  try {
    json = JSON.parse(text) as typeof json;
  } catch {
    json = {};
  }
  return { status: res.status, headers: res.headers, data: json.data, errors: json.errors };
}

/** Asserts the response failed with exactly this code (on every error it carries). */
export function expectCode(res: GraphQLResponse<unknown>, code: ErrorCode): void {
  expect(res.errors, `expected ${code}, got data ${JSON.stringify(res.data)}`).toBeDefined();
  expect(res.errors!.map((e) => e.extensions?.code)).toEqual(res.errors!.map(() => code));
}

export function expectOk<T>(res: GraphQLResponse<T>): T {
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data as T;
}
