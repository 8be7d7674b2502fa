// Public surface of @stableip/kube-runtime: a small controller-runtime for Node.
export {
  KubeApiError,
  kubeErrorFromResponse,
  toKubeApiError,
  isKubeError,
  isNotFound,
  isAlreadyExists,
  isConflict,
  isGone,
  isInvalid,
  isForbidden,
  type KubeErrorReason,
  type KubeErrorCause,
  type KubeStatus,
} from './client/errors';
export {
  defineResource,
  apiVersionOf,
  resourceId,
  resourcePath,
  objectKey,
  parseObjectKey,
  LeaseResource,
  EventResource,
  type ResourceDescriptor,
  type KubeObject,
  type ObjectMeta,
  type OwnerReference,
  type ObjectReference,
  type Lease,
  type CoreEvent,
} from './client/resource';
export {
  KubeClient,
  ResourceClient,
  type KubeClientOptions,
  type ObjectRef,
  type ListOptions,
  type ListPage,
  type ListResult,
  type WriteOptions,
  type ApplyOptions,
  type DeleteOptions,
  type JsonPatchOperation,
  type MergePatch,
} from './client/client';
export {
  KubeTransport,
  type HttpMethod,
  type RequestOptions,
  type TransportOptions,
  type TransportStats,
} from './client/transport';
export { retryOnConflict, type RetryOptions } from './client/retry';
export {
  Informer,
  stripManagedFields,
  type InformerOptions,
  type InformerHandler,
  type InformerState,
  type InformerStats,
  type DeleteInfo,
} from './informer/informer';
export { Store, byNamespace, namespaceIndex, type IndexFunc } from './informer/store';
export { InformerCache, type InformerCacheOptions, type InformerRequest } from './informer/cache';
export {
  Applier,
  describeWrite,
  runLimited,
  type ApplierOptions,
  type ApplyReport,
  type WriteFailure,
  type WriteOp,
  type WritePlan,
  type WriteRef,
  type WrittenObject,
} from './apply/applier';
export { RecentWrites } from './apply/recent-writes';
export { createMergePatch, jsonEqual } from './apply/merge-patch';
export { WorkQueue, type WorkQueueOptions, type WorkQueueMetricsSink } from './workqueue/workqueue';
export {
  ItemExponentialFailureRateLimiter,
  BucketRateLimiter,
  MaxOfRateLimiter,
  defaultControllerRateLimiter,
  type RateLimiter,
} from './workqueue/rate-limiter';
export {
  Controller,
  TerminalError,
  ownKey,
  type ControllerOptions,
  type ReconcileFn,
  type ReconcileResult,
  type MapFn,
  type WatchEvent,
} from './controller/controller';
export { runtimeMetrics, workQueueMetricsSink, type RuntimeMetrics } from './controller/metrics';
export { LeaderElector, type LeaderElectionOptions, type LeaderCallbacks } from './leader/leader-election';
export { EventRecorder, type EventRecorderOptions, type EventType } from './events/event-recorder';
export {
  startProbeServer,
  startMetricsServer,
  type Check,
  type ProbeServerOptions,
  type RunningServer,
} from './server/http';
export { informersSyncedCheck } from './server/checks';
export { Backoff, jittered, sleep, type BackoffOptions } from './util/backoff';
export { createLogger, defaultLogger, type Logger, type LoggerOptions } from './util/log';
