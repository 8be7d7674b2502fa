// One real API server (tools/kube-testenv) for the Kubernetes authentication tests; no CRDs.
import { kubeTestEnvGlobalSetup } from '@stableip/kube-testenv';

export default kubeTestEnvGlobalSetup({ controllers: false });
