/**
 * Small pieces every part of the document uses: `$ref`s, JSON bodies, the problem responses
 * by status, and a few schemas and headers.
 */
import type { HeaderObject, MediaType, Ref, SchemaObject } from './types.ts';

export const schemaRef = (name: string): Ref => ({ $ref: `#/components/schemas/${name}` });
export const responseRef = (name: string): Ref => ({ $ref: `#/components/responses/${name}` });
export const paramRef = (name: string): Ref => ({ $ref: `#/components/parameters/${name}` });

export const JSON_TYPE = 'application/json';
export const PROBLEM_TYPE = 'application/problem+json';
export const json = (schema: SchemaObject, example?: unknown): Record<string, MediaType> =>
  ({ [JSON_TYPE]: example === undefined ? { schema } : { schema, example } });

/** The problem responses an operation can return, by status. */
export const ERROR_RESPONSES = {
  400: { name: 'BadRequest', description: 'Malformed request: bad JSON, an unknown field, a wrong type, a bad filter or sort' },
  401: { name: 'Unauthorized', description: 'No valid session cookie or `Authorization: Bearer` token' },
  403: { name: 'Forbidden', description: 'The caller\'s role does not allow this' },
  404: { name: 'NotFound', description: 'Unknown object or record (or one the caller may not read)' },
  409: { name: 'Conflict', description: 'A unique value is taken, or a `restrict` reference blocks the delete' },
  412: { name: 'PreconditionFailed', description: '`If-Match` names a version that is no longer current' },
  413: { name: 'PayloadTooLarge', description: 'The body is larger than this route accepts' },
  422: { name: 'UnprocessableContent', description: 'A validation rule or a required field failed (`errors[].code` is the rule\'s name or `required`)' },
  429: { name: 'TooManyRequests', description: 'Rate limited: retry later' },
} as const;
export type ErrorStatus = keyof typeof ERROR_RESPONSES;

export function errors(...statuses: ErrorStatus[]): Record<string, Ref> {
  return Object.fromEntries(statuses.map((s) => [String(s), responseRef(ERROR_RESPONSES[s].name)]));
}

export const UUID: SchemaObject = { type: 'string', format: 'uuid' };
export const ALLOW_HEADER: HeaderObject = { description: 'What the caller may do with this record: `GET`, plus `PATCH` and `DELETE` when their access allows', schema: { type: 'string', examples: ['GET, PATCH'] } };
export const ETAG_HEADER: HeaderObject = { description: 'The record\'s version, quoted (e.g. `"3"`): send it back in `If-Match`', schema: { type: 'string' } };

export function fieldList(names: string[]): string {
  return names.length ? names.map((n) => `\`${n}\``).join(', ') : '(none)';
}
