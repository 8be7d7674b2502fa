// Typed failures of claim naming and pool collection. Messages are CAPM3's texts.

export type NamingErrorCode =
  /** The `metal3.io/BareMetalHost` annotation is not `name` or `namespace/name`. */
  | 'InvalidHostAnnotation'
  /** Two references use one pool name with different apiGroup/kind. */
  | 'ConflictingPoolReferences'
  /** A fromPoolAnnotation names an annotation that is missing or empty. */
  | 'PoolAnnotationNotFound'
  /** A fromPoolAnnotation refers to an object that was not provided. */
  | 'PoolAnnotationObjectMissing'
  /** A fromPoolAnnotation refers to something other than machine/metal3machine/baremetalhost. */
  | 'UnknownObjectType'
  /** A CAPI claim cannot be named because the Metal3Data has no name. */
  | 'EmptyMetal3DataName';

export interface NamingError {
  code: NamingErrorCode;
  message: string;
}

export function namingError(code: NamingErrorCode, message: string): NamingError {
  return { code, message };
}
