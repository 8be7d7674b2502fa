export type ClaimKind = 'IPClaim' | 'IPAddressClaim';

/** `IPClaim/<name>` or `IPAddressClaim/<name>`: how a world indexes the claims it read. */
export const claimKey = (kind: ClaimKind, name: string) => `${kind}/${name}`;
