import { kubeTestEnvGlobalSetup } from '@stableip/kube-testenv';
import { consumerCrdPaths } from './consumer-crds';

// One real API server with the consumers' real CRDs (DNSEndpoint, Certificate, CiliumCIDRGroup).
export default kubeTestEnvGlobalSetup({ crds: consumerCrdPaths() });
