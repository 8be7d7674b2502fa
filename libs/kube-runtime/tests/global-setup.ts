// One real API server (tools/kube-testenv) for the integration run, with the fixture CRDs.
// Uses the harness's vitest-free entry: importing 'vitest' inside a globalSetup module fails
// ("Vitest failed to access its internal state"), so the wiring is spelled out here.
import type { TestProject } from 'vitest/node';
import { installCrds, loadKubeConfig, startKubeTestEnv } from '@stableip/kube-testenv';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // No in-process controllers: these tests need no garbage collection or namespace cleanup.
  const env = await startKubeTestEnv({ controllers: false });
  try {
    await installCrds(loadKubeConfig(env.info), [`${project.config.root}/tests/fixtures/crds`]);
  } catch (err) {
    await env.stop();
    throw err;
  }
  project.provide('kubeTestEnv', env.info);
  return () => env.stop();
}
