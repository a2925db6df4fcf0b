// `--replicas name=N`: how many copies of a model pack should place, recorded in profiles.yaml.
import { MlsError } from '../errors.js';

export function parseReplicasArg(text: string): [string, number] {
  const m = /^([^=]+)=(\d+)$/.exec(text.trim());
  const n = m ? Number(m[2]) : 0;
  if (!m || !Number.isSafeInteger(n) || n < 1) {
    throw new MlsError('MLS_ERR_USAGE', { replicasSyntax: { text } });
  }
  return [m[1]!.trim(), n];
}
