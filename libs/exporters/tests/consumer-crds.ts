// The consumers' own CRDs, taken at test time from their Go modules through the module cache
// (`go mod download`), never copied into the repository. external-dns' version is the one
// tools/external-dns builds; cert-manager and Cilium are pinned here.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const EXTERNAL_DNS_GO_MOD = join(import.meta.dirname, '../../../tools/external-dns/go.mod');

function externalDnsVersion(): string {
  const match = /^require sigs\.k8s\.io\/external-dns (v\S+)$/m.exec(
    readFileSync(EXTERNAL_DNS_GO_MOD, 'utf8'),
  );
  if (!match) throw new Error(`no "require sigs.k8s.io/external-dns" line in ${EXTERNAL_DNS_GO_MOD}`);
  return match[1]!;
}

/** The go line of tools/external-dns: external-dns' module needs that Go to be extracted. */
function goToolchain(): string {
  const match = /^go (\S+)$/m.exec(readFileSync(EXTERNAL_DNS_GO_MOD, 'utf8'));
  return match ? `go${match[1]}` : 'local';
}

export const CONSUMERS = [
  {
    module: 'sigs.k8s.io/external-dns',
    version: externalDnsVersion(),
    crds: ['config/crd/standard/dnsendpoints.externaldns.k8s.io.yaml'],
  },
  {
    module: 'github.com/cert-manager/cert-manager',
    version: 'v1.21.2',
    crds: ['deploy/crds/cert-manager.io_certificates.yaml'],
  },
  {
    module: 'github.com/cilium/cilium',
    version: 'v1.20.2',
    crds: ['pkg/k8s/apis/cilium.io/client/crds/v2/ciliumcidrgroups.yaml'],
  },
] as const;

/** Absolute paths of the consumers' CRD files in GOMODCACHE (downloads the modules when missing). */
export function consumerCrdPaths(): string[] {
  // Outside any module, so no go.mod around decides what is downloaded.
  const cwd = mkdtempSync(join(tmpdir(), 'stableip-consumer-crds-'));
  try {
    return CONSUMERS.flatMap(({ module, version, crds }) => {
      let output: string;
      try {
        output = execFileSync('go', ['mod', 'download', '-json', `${module}@${version}`], {
          cwd,
          encoding: 'utf8',
          env: { ...process.env, GOTOOLCHAIN: goToolchain(), GOFLAGS: '-mod=mod' },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
      } catch (error) {
        throw new Error(
          `could not download ${module}@${version} for its CRDs: needs Go and the Go module proxy (or a warm GOMODCACHE): ${String((error as { stderr?: string }).stderr ?? error)}`,
        );
      }
      const dir = (JSON.parse(output) as { Dir?: string }).Dir;
      if (!dir) throw new Error(`go mod download ${module}@${version} reported no directory: ${output}`);
      return crds.map((file) => join(dir, file));
    });
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}
