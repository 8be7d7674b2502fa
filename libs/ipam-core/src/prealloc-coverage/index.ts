export {
  poolCoverage,
  hostsUsingPools,
  coverageCondition,
  autoPinEntries,
  missingEntryAdvice,
  unknownKeyAdvice,
  PREALLOCATIONS_COVERED,
  CoverageReasons,
  type CoverageInput,
  type PoolCoverage,
  type MissingEntry,
  type UnknownKey,
} from './coverage';
