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
};
