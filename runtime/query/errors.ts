/**
 * The one error the query compiler throws. The server maps it to a 400 problem+json with
 * `errors` as given, so every message here is safe to show to the caller.
 */

/** Codes a caller can branch on; `field` says where in the request the problem is. */
export type QueryErrorCode =
  | 'invalid_filter'      // not an object / array / shape the language allows
  | 'invalid_json'        // a filter given as a string that is not JSON
  | 'unknown_field'       // no such field, or one the caller may not see
  | 'unknown_operator'
  | 'invalid_operator'    // operator exists but not for this field's type
  | 'invalid_value'       // value of the wrong type or format for the field
  | 'invalid_path'        // a reference path through a non-reference, or too long
  | 'too_deep'            // nesting deeper than MAX_DEPTH
  | 'too_many_conditions'
  | 'too_many_values'     // an `in` list longer than MAX_IN_VALUES
  | 'invalid_sort'
  | 'invalid_cursor'
  | 'invalid_limit'
  | 'invalid_fields'
  | 'invalid_search';

export interface QueryIssue {
  /** Where: a JSON path into the request, e.g. `filter.and[1].amount`, `sort`, `limit`. */
  field: string;
  code: QueryErrorCode;
  message: string;
}

export class QueryError extends Error {
  readonly errors: QueryIssue[];
  readonly status = 400;

  constructor(errors: QueryIssue[]) {
    super(errors.length === 1 ? errors[0].message : `${errors.length} problems in the query: ${errors[0]?.message ?? ''}`);
    this.name = 'QueryError';
    this.errors = errors;
  }

  static one(field: string, code: QueryErrorCode, message: string): QueryError {
    return new QueryError([{ field, code, message }]);
  }
}

/** Echoing a hostile 1 MB key back in an error helps no one: shorten what we quote. */
export function quote(text: string, max = 60): string {
  const s = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(s);
}

/** `base.key` for plain keys, `base["odd key"]` for anything else, so paths stay unambiguous. */
export function childPath(base: string, key: string): string {
  if (key.length <= 100 && /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(key)) return `${base}.${key}`;
  return `${base}[${quote(key, 100)}]`;
}

export function indexPath(base: string, index: number): string {
  return `${base}[${index}]`;
}
