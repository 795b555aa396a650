/**
 * Structural checks of an OpenAPI 3.1 document (no validator package is installed): the
 * problems found, as readable strings; an empty list means the document passed. Also an ajv
 * (JSON Schema 2020-12, the dialect of OpenAPI 3.1) that can validate values against the
 * document's component schemas, refs included.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; its default export arrives wrapped when imported from ESM.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const COMPONENT_NAME = /^[a-zA-Z0-9.\-_]+$/;

/** Resolves a local JSON pointer (`#/components/schemas/Account`). */
export function resolvePointer(doc: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let at: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    if (!isObj(at) && !Array.isArray(at)) return undefined;
    at = (at as Record<string, unknown>)[key];
    if (at === undefined) return undefined;
  }
  return at;
}

/** Every `$ref` in the document, with where it was found. */
export function allRefs(doc: unknown): Array<{ at: string; ref: string }> {
  const out: Array<{ at: string; ref: string }> = [];
  const walk = (v: unknown, at: string) => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${at}/${i}`));
    else if (isObj(v)) {
      for (const [k, x] of Object.entries(v)) {
        if (k === '$ref' && typeof x === 'string') out.push({ at, ref: x });
        else walk(x, `${at}/${k.replaceAll('~', '~0').replaceAll('/', '~1')}`);
      }
    }
  };
  walk(doc, '#');
  return out;
}

function deref(doc: unknown, v: unknown): unknown {
  return isObj(v) && typeof v.$ref === 'string' ? resolvePointer(doc, v.$ref) : v;
}

export function openApiProblems(input: unknown): string[] {
  const problems: string[] = [];
  const doc = JSON.parse(JSON.stringify(input)) as unknown; // must survive JSON
  if (!isObj(doc)) return ['the document is not an object'];
  if (typeof doc.openapi !== 'string' || !/^3\.1\.\d+$/.test(doc.openapi)) problems.push(`openapi is ${String(doc.openapi)}, not 3.1.x`);
  const info = doc.info;
  if (!isObj(info) || typeof info.title !== 'string' || typeof info.version !== 'string') problems.push('info needs title and version strings');
  if (!isObj(doc.paths)) problems.push('paths must be an object');

  for (const { at, ref } of allRefs(doc)) {
    if (resolvePointer(doc, ref) === undefined) problems.push(`${at}: $ref ${ref} does not resolve`);
  }

  const components = isObj(doc.components) ? doc.components : {};
  for (const [kind, group] of Object.entries(components)) {
    if (!isObj(group)) { problems.push(`components.${kind} must be an object`); continue; }
    for (const name of Object.keys(group)) if (!COMPONENT_NAME.test(name)) problems.push(`components.${kind}.${name}: bad name`);
  }
  const schemes = isObj(components.securitySchemes) ? components.securitySchemes : {};
  const checkSecurity = (sec: Json | undefined, at: string) => {
    if (sec === undefined) return;
    if (!Array.isArray(sec)) { problems.push(`${at}: security must be an array`); return; }
    for (const req of sec) {
      if (!isObj(req)) { problems.push(`${at}: a security requirement must be an object`); continue; }
      for (const name of Object.keys(req)) if (!(name in schemes)) problems.push(`${at}: security scheme ${name} is not declared`);
    }
  };
  checkSecurity(doc.security, 'security');

  const tags = new Set((Array.isArray(doc.tags) ? doc.tags : []).map((t) => (isObj(t) ? t.name : undefined)));
  const operationIds = new Set<string>();
  for (const [path, item] of Object.entries(isObj(doc.paths) ? doc.paths : {})) {
    if (!path.startsWith('/')) problems.push(`path ${path} must start with /`);
    if (!isObj(item)) { problems.push(`${path}: not an object`); continue; }
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    const pathLevel = Array.isArray(item.parameters) ? item.parameters : [];
    const methods = Object.keys(item).filter((k) => METHODS.includes(k));
    if (!methods.length) problems.push(`${path}: no operations`);
    for (const method of methods) {
      const op = item[method];
      const at = `${method.toUpperCase()} ${path}`;
      if (!isObj(op)) { problems.push(`${at}: not an object`); continue; }
      if (typeof op.operationId !== 'string') problems.push(`${at}: no operationId`);
      else if (operationIds.has(op.operationId)) problems.push(`${at}: operationId ${op.operationId} is not unique`);
      else operationIds.add(op.operationId);
      if (Array.isArray(op.tags)) for (const t of op.tags) if (!tags.has(t)) problems.push(`${at}: tag ${String(t)} is not declared`);
      checkSecurity(op.security, at);
      // parameters: resolved, well-formed, unique by (name, in); path ones declared and required
      const params = [...pathLevel, ...(Array.isArray(op.parameters) ? op.parameters : [])].map((p) => deref(doc, p));
      const seen = new Set<string>();
      for (const p of params) {
        if (!isObj(p) || typeof p.name !== 'string' || typeof p.in !== 'string') { problems.push(`${at}: malformed parameter`); continue; }
        if (!['query', 'header', 'path', 'cookie'].includes(p.in)) problems.push(`${at}: parameter ${p.name} in ${p.in}`);
        const key = `${p.in}:${p.in === 'header' ? p.name.toLowerCase() : p.name}`;
        if (seen.has(key)) problems.push(`${at}: parameter ${p.name} (${p.in}) twice`);
        seen.add(key);
        if (('schema' in p) === ('content' in p)) problems.push(`${at}: parameter ${p.name} needs exactly one of schema or content`);
        if (isObj(p.content) && Object.keys(p.content).length !== 1) problems.push(`${at}: parameter ${p.name}: content must have one media type`);
        if (p.in === 'path') {
          if (p.required !== true) problems.push(`${at}: path parameter ${p.name} must be required`);
          if (!templated.includes(p.name)) problems.push(`${at}: path parameter ${p.name} is not in the path`);
        }
      }
      for (const name of templated) if (!seen.has(`path:${name}`)) problems.push(`${at}: {${name}} has no path parameter`);
      // request body
      if (op.requestBody !== undefined) {
        const body = deref(doc, op.requestBody);
        if (!isObj(body) || !isObj(body.content) || !Object.keys(body.content).length) problems.push(`${at}: requestBody needs content`);
      }
      // responses
      if (!isObj(op.responses) || !Object.keys(op.responses).length) { problems.push(`${at}: no responses`); continue; }
      for (const [code, raw] of Object.entries(op.responses)) {
        if (!/^([1-5]\d\d|[1-5]XX|default)$/.test(code)) problems.push(`${at}: response code ${code}`);
        const res = deref(doc, raw);
        if (!isObj(res) || typeof res.description !== 'string') problems.push(`${at} ${code}: response needs a description`);
        else if (isObj(res.content)) {
          for (const [type, media] of Object.entries(res.content)) if (!isObj(media) || !isObj(media.schema)) problems.push(`${at} ${code} ${type}: no schema`);
        }
      }
    }
  }
  return problems;
}

export type SchemaValidator = (name: string, value: unknown) => string[];
export type ResponseValidator = (method: string, path: string, status: number, value: unknown) => string[];

const DOC_ID = 'https://strata.invalid/openapi.json';

function documentAjv(doc: unknown): Ajv2020 {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  ajv.addSchema({ $id: DOC_ID, ...(JSON.parse(JSON.stringify(doc)) as object) });
  return ajv;
}

function run(validate: ValidateFunction | undefined, what: string, value: unknown): string[] {
  if (!validate) return [`no schema ${what}`];
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

/** Validates a value against `#/components/schemas/<name>` of the document. */
export function schemaValidator(doc: unknown): SchemaValidator {
  const ajv = documentAjv(doc);
  return (name, value) => run(ajv.getSchema(`${DOC_ID}#/components/schemas/${name}`), name, value);
}

/** A JSON pointer token inside a URI fragment. */
const pointerToken = (s: string) => encodeURIComponent(s.replaceAll('~', '~0').replaceAll('/', '~1'));

/**
 * Validates a response body against the JSON schema the document gives the operation
 * (`path` as templated in the document, e.g. `/api/records/account/{id}/history`) for that
 * status: so the route's wiring to its schema is checked too, not just the schema.
 */
export function responseValidator(doc: unknown): ResponseValidator {
  const ajv = documentAjv(doc);
  return (method, path, status, value) => {
    const at = `/paths/${pointerToken(path)}/${method.toLowerCase()}/responses/${status}`;
    let response = resolvePointer(doc, `#${at}`);
    let pointer = at;
    if (isObj(response) && typeof response.$ref === 'string') {
      pointer = response.$ref.slice(1);
      response = resolvePointer(doc, response.$ref);
    }
    if (!isObj(response)) return [`no response ${status} for ${method} ${path}`];
    const content = isObj(response.content) ? response.content : {};
    const type = Object.keys(content).find((t) => t === 'application/json' || t.endsWith('+json'));
    if (!type) return [`${method} ${path} ${status} has no JSON content`];
    const what = `${method} ${path} ${status}`;
    return run(ajv.compile({ $ref: `${DOC_ID}#${pointer}/content/${pointerToken(type)}/schema` }), what, value);
  };
}
