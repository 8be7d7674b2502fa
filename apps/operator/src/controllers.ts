// Controller groups selectable with --controllers. Each group contributes informers (started on
// every replica, so a standby has warm caches) and controllers (started only on the leader).
// `metal3data` (issue 6) registers itself here.
import type {
  Controller,
  EventRecorder,
  Informer,
  KubeClient,
  KubeObject,
  Logger,
} from '@stableip/kube-runtime';
import type { Registry } from 'prom-client';
import { createIpamControllers } from './ipam/controller';
import { createMetal3DataControllers } from './metal3data/controller';
import type { ControllerGroup, OperatorOptions } from './options';

export interface GroupContext {
  client: KubeClient;
  options: OperatorOptions;
  registry: Registry;
  events: EventRecorder;
  logger: Logger;
}

export interface ControllerGroupInstance {
  informers: Informer<KubeObject>[];
  controllers: Controller[];
}

export type ControllerGroupFactory = (context: GroupContext) => ControllerGroupInstance;

export const controllerGroups: Partial<Record<ControllerGroup, ControllerGroupFactory>> = {
  ipam: ({ client, options, registry, events, logger }) => {
    const group = createIpamControllers({
      client,
      namespace: options.namespace,
      concurrency: options.ippoolConcurrency,
      registry,
      events,
      logger: logger.child({ controllerGroup: 'ipam' }),
      resyncPeriodMs: options.syncPeriodMs,
    });
    return { informers: group.informers, controllers: [group.controller] };
  },
  // Issue 6: CAPM3's Metal3Data/template controllers plus coverage and auto-pin.
  metal3data: (context) => metal3DataGroup(context, true),
  // `coverage` alone; skipped when `metal3data` (which includes it) is also selected.
  coverage: (context) =>
    context.options.controllers.includes('metal3data')
      ? { informers: [], controllers: [] }
      : metal3DataGroup(context, false),
};

function metal3DataGroup(
  { client, options, registry, events, logger }: GroupContext,
  metal3Data: boolean,
): ControllerGroupInstance {
  const group = createMetal3DataControllers({
    client,
    namespace: options.namespace,
    registry,
    events,
    logger: logger.child({ controllerGroup: metal3Data ? 'metal3data' : 'coverage' }),
    bmhNameBasedPreallocation: options.enableBmhNameBasedPreallocation,
    metal3Data,
    resyncPeriodMs: options.syncPeriodMs,
  });
  if (metal3Data) {
    logger.info(
      { enableBmhNameBasedPreallocation: options.enableBmhNameBasedPreallocation },
      `Metal3Data IPClaims are named ${options.enableBmhNameBasedPreallocation ? '{bmh}-{pool}' : '{metal3data}-{pool}'}`,
    );
  }
  return { informers: group.informers, controllers: group.controllers };
}
