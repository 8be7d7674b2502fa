import { kubeTestEnvGlobalSetup } from '../ts/index.js';

// One API server for the whole run, with the fixture CRDs installed and Established.
export default kubeTestEnvGlobalSetup({ crds: ['tests/fixtures/crds'] });
