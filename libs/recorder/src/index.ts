// Public surface of @stableip/recorder.
export {
  startRecorder,
  DEFAULT_LEASE_NAME,
  type Recorder,
  type RecorderOptions,
  type LeaderElectionSettings,
  type ClusterSettings,
  type ClusterState,
} from './recorder';
export {
  ClusterRecorder,
  type ClusterRecorderOptions,
  type ClusterRecorderStatus,
  type CommittedChange,
} from './cluster-recorder';
export {
  resolveClusterTargets,
  parseContextMapping,
  type ClusterTarget,
  type ClusterSelection,
} from './clusters';
export { runRecordCommand, parseRecordArgs, RECORD_USAGE, type RecordCommandOptions } from './command';
export { createRecorderMetrics, type RecorderMetrics } from './metrics';
export { WATCHED_KINDS, watchedResources, type WatchedKind, type WatchedObjects } from './resources';
export { resolveClaimHost, type HostResolution, type HostPath, type ClaimFacts } from './derive/host';
export { deriveAssignment, assignmentSource, type DerivedAssignment } from './derive/assignment';
export { poolRanges } from './derive/pool';
export { worldOf, type WorldView } from './derive/world';
export { RecorderError, isRecorderError, isPermanentStoreError, type RecorderErrorCode } from './errors';
