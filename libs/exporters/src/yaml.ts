// Multi-document YAML for `kubectl apply -f -`.
import { stringify } from 'yaml';

export function toYamlStream(objects: readonly unknown[]): string {
  return objects.map((object) => `---\n${stringify(object, { lineWidth: 0 })}`).join('');
}
