// One real API server (tools/kube-testenv) for the run, with the CRDs of ./crds.ts installed.
// This module must not import 'vitest' at runtime (vitest refuses to load in a globalSetup).
import { startKubeTestEnv } from '@stableip/kube-testenv';
import type {} from '@stableip/kube-testenv/vitest';
import type { TestProject } from 'vitest/node';
import { installRecorderCrds } from './crds';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // No in-process controllers: the tests play the IPAM and CAPM3 controllers themselves.
  const env = await startKubeTestEnv({ controllers: false });
  try {
    await installRecorderCrds(env.info.kubeconfig);
  } catch (err) {
    await env.stop();
    throw err;
  }
  project.provide('kubeTestEnv', env.info);
  return () => env.stop();
}
