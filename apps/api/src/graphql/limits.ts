// Query depth and cost limits, checked before execution.
import depthLimit from 'graphql-depth-limit';
import { GraphQLError, type GraphQLSchema, type DocumentNode, type ValidationRule } from 'graphql';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';

export function depthLimitRule(maxDepth: number): ValidationRule {
  return depthLimit(maxDepth) as ValidationRule;
}

/**
 * A connection field costs its page size times its selection; other fields cost 1. An omitted
 * page size counts as the default page size.
 */
export function connectionEstimator(defaultPageSize: number): ComplexityEstimator {
  return ({ args, childComplexity, field }) => {
    const isConnection = /Connection!?$/.test(String(field.type));
    if (!isConnection) return undefined;
    const size = Number(args['first'] ?? args['last'] ?? defaultPageSize);
    return 1 + Math.max(1, size) * Math.max(1, childComplexity);
  };
}

export function operationCost(options: {
  schema: GraphQLSchema;
  document: DocumentNode;
  variables: Record<string, unknown>;
  operationName?: string | null;
  defaultPageSize: number;
}): number {
  return getComplexity({
    schema: options.schema,
    query: options.document,
    variables: options.variables,
    ...(options.operationName ? { operationName: options.operationName } : {}),
    estimators: [connectionEstimator(options.defaultPageSize), simpleEstimator({ defaultComplexity: 1 })],
  });
}

export function costError(cost: number, maxCost: number): GraphQLError {
  return new GraphQLError(`query cost ${cost} exceeds the limit of ${maxCost}: ask for smaller pages`, {
    extensions: { code: 'QUERY_TOO_COSTLY', http: { status: 400 } },
  });
}
