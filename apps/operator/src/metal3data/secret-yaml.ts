// YAML of the rendered secrets as CAPM3 writes them (sigs.k8s.io/yaml → go-yaml v2): keys sorted,
// sequences not indented under their key, YAML 1.1 quoting (cloud-init parses with PyYAML, where
// `yes`/`on` are booleans, so such strings must be quoted).
import YAML from 'yaml';

export function toSecretYaml(document: unknown): string {
  return YAML.stringify(document, {
    version: '1.1',
    sortMapEntries: true,
    indentSeq: false,
    lineWidth: 0,
    defaultStringType: 'PLAIN',
    defaultKeyType: 'PLAIN',
  });
}
