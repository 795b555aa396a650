/**
 * The OpenAPI 3.1 document's types: the parts of the specification Strata produces.
 */
import type { JsonSchema } from '../../metadata/record-schema.ts';

export interface SchemaObject extends Omit<JsonSchema, 'items' | 'properties' | 'oneOf' | 'additionalProperties' | 'enum'> {
  $ref?: string;
  enum?: unknown[];
  const?: unknown;
  items?: SchemaObject;
  properties?: Record<string, SchemaObject>;
  additionalProperties?: boolean | SchemaObject;
  anyOf?: SchemaObject[];
  oneOf?: SchemaObject[];
  minLength?: number;
  minItems?: number;
  maxItems?: number;
  examples?: unknown[];
}

export interface Ref { $ref: string }

export interface MediaType { schema: SchemaObject; example?: unknown }

export interface ParameterObject {
  name: string;
  in: 'query' | 'header' | 'path' | 'cookie';
  description?: string;
  required?: boolean;
  schema?: SchemaObject;
  content?: Record<string, MediaType>;
  example?: unknown;
}

export interface HeaderObject { description?: string; schema: SchemaObject }

export interface ResponseObject {
  description: string;
  headers?: Record<string, HeaderObject>;
  content?: Record<string, MediaType>;
}

export interface RequestBodyObject {
  description?: string;
  required?: boolean;
  content: Record<string, MediaType>;
}

export type SecurityRequirement = Record<string, string[]>;

export interface OperationObject {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  parameters?: Array<ParameterObject | Ref>;
  requestBody?: RequestBodyObject;
  responses: Record<string, ResponseObject | Ref>;
  security?: SecurityRequirement[];
}

export type HttpMethod = 'get' | 'post' | 'patch' | 'put' | 'delete';
export type PathItem = Partial<Record<HttpMethod, OperationObject>> & { parameters?: Array<ParameterObject | Ref> };

export type SecurityScheme =
  | { type: 'http'; scheme: 'bearer'; description?: string }
  | { type: 'apiKey'; in: 'cookie' | 'header' | 'query'; name: string; description?: string };

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string; license: { name: string; identifier: string } };
  servers: Array<{ url: string; description?: string }>;
  tags: Array<{ name: string; description?: string }>;
  security: SecurityRequirement[];
  paths: Record<string, PathItem>;
  components: {
    schemas: Record<string, SchemaObject>;
    responses: Record<string, ResponseObject>;
    parameters: Record<string, ParameterObject>;
    securitySchemes: Record<string, SecurityScheme>;
  };
}

export interface OpenApiOptions {
  /** Base URL of the server; default `/` (the host the document is served from). */
  serverUrl?: string;
  /** Name of the session cookie (documented as a security scheme). */
  sessionCookie?: string;
}
