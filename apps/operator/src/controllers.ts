// Controller groups selectable with --controllers. Each group takes its informers from the
// manager's shared cache (started on every replica, so a standby has warm caches) and contributes
// controllers (started only on the leader).
import type { Controller, EventRecorder, InformerCache, KubeClient, Logger } from '@stableip/kube-runtime';
import type { Registry } from 'prom-client';
import { createIpamControllers } from './ipam/controller';
import { createMetal3DataControllers } from './metal3data/controller';
import type { ControllerGroup, OperatorOptions } from './options';

export interface GroupContext {
  client: KubeClient;
  /** One informer per kind for the whole process. */
  cache: InformerCache;
  options: OperatorOptions;
  registry: Registry;
  events: EventRecorder;
  logger: Logger;
}

export interface ControllerGroupInstance {
  controllers: Controller[];
}

export type ControllerGroupFactory = (context: GroupContext) => ControllerGroupInstance;

export const controllerGroups: Partial<Record<ControllerGroup, ControllerGroupFactory>> = {
  ipam: ({ client, cache, options, registry, events, logger }) => {
    const group = createIpamControllers({
      client,
      cache,
      concurrency: options.ippoolConcurrency,
      registry,
      events,
      logger: logger.child({ controllerGroup: 'ipam' }),
    });
    return { controllers: [group.controller] };
  },
  // Issue 6: CAPM3's Metal3Data/template controllers plus coverage and auto-pin.
  metal3data: (context) => metal3DataGroup(context, true),
  // `coverage` alone; skipped when `metal3data` (which includes it) is also selected.
  coverage: (context) =>
    context.options.controllers.includes('metal3data')
      ? { controllers: [] }
      : metal3DataGroup(context, false),
};

function metal3DataGroup(
  { client, cache, options, registry, events, logger }: GroupContext,
  metal3Data: boolean,
): ControllerGroupInstance {
  const group = createMetal3DataControllers({
    client,
    cache,
    registry,
    events,
    logger: logger.child({ controllerGroup: metal3Data ? 'metal3data' : 'coverage' }),
    bmhNameBasedPreallocation: options.enableBmhNameBasedPreallocation,
    metal3Data,
  });
  if (metal3Data) {
    logger.info(
      { enableBmhNameBasedPreallocation: options.enableBmhNameBasedPreallocation },
      `Metal3Data IPClaims are named ${options.enableBmhNameBasedPreallocation ? '{bmh}-{pool}' : '{metal3data}-{pool}'}`,
    );
  }
  return { controllers: group.controllers };
}
