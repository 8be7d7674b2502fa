// @stableip/kube-testenv: a real Kubernetes API server for tests (see ../README.md).
// Test-file hooks (useKubeTestNamespace) live in '@stableip/kube-testenv/vitest'; this entry never
// loads vitest at runtime, so it is safe in a vitest globalSetup.
export {
  defaultBinaryPath,
  KubeTestEnvStartError,
  startKubeTestEnv,
  type KubeTestEnv,
  type KubeTestEnvInfo,
  type StartOptions,
} from './server.js';
export {
  createTestNamespace,
  installCrds,
  kubeRequest,
  loadKubeConfig,
  waitForCrdsEstablished,
  withNamespace,
  type InstallCrdsOptions,
  type TestNamespace,
} from './kube.js';
export { kubeTestEnvGlobalSetup, type GlobalSetupOptions } from './global-setup.js';
