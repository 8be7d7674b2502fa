// The assembled schema (importing the modules registers their types on the builder).
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { builder } from './builder';
import './types';
import './queries';
import './exports';
import './subscriptions';

let schema: GraphQLSchema | undefined;

export function apiSchema(): GraphQLSchema {
  schema ??= builder.toSchema();
  return schema;
}

/** The SDL committed as apps/api/schema.graphql (sorted, so diffs show real changes only). */
export function printApiSchema(): string {
  return `${printSchema(lexicographicSortSchema(apiSchema()))}\n`;
}
