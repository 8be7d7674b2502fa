// Who is calling and what they may do.
export const ROLES = ['reader', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  /** Token name from the configuration, or the Kubernetes user name. */
  name: string;
  role: Role;
  via: 'token' | 'kubernetes' | 'anonymous';
}

/** admin ⊇ reader. */
export function roleAllows(held: Role, needed: Role): boolean {
  return held === 'admin' || needed === 'reader';
}
