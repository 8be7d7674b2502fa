// Role checks inside resolvers: a 403 for readers asking admin-only questions.
import { GraphQLError } from 'graphql';
import { roleAllows, type Role } from '../auth/principal';
import type { ApiContext } from './context';

export function requireRole(context: ApiContext, role: Role): void {
  if (!roleAllows(context.principal.role, role)) {
    throw new GraphQLError(`this field needs the ${role} role`, {
      extensions: { code: 'FORBIDDEN', http: { status: 403 } },
    });
  }
}
