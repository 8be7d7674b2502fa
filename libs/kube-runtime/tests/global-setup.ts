import { kubeTestEnvGlobalSetup } from '@stableip/kube-testenv';

// One real API server (tools/kube-testenv) for the integration run, with the fixture CRDs.
export default kubeTestEnvGlobalSetup({ crds: ['tests/fixtures/crds'] });
