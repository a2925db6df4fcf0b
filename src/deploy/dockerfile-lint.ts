// Lints a rendered Dockerfile: dockerfile-utils' validator (unknown instructions, bad arguments,
// invalid ports, malformed JSON forms) plus mlserve's own policy for server images: the last USER
// is not root and the image declares a HEALTHCHECK.
import { validate } from 'dockerfile-utils';
import { MlsError } from '../errors.js';

export interface DockerfileIssue {
  line: number; // 1-based
  message: string;
}

export function lintDockerfile(content: string): DockerfileIssue[] {
  const issues: DockerfileIssue[] = validate(content).map((d) => ({ line: d.range.start.line + 1, message: typeof d.message === 'string' ? d.message : d.message.value }));
  const lines = content.split('\n');
  let user: { value: string; line: number } | undefined;
  let health = false;
  lines.forEach((l, i) => {
    const m = /^\s*(USER|HEALTHCHECK)\s+(\S+)/i.exec(l);
    if (!m) return;
    if (m[1]!.toUpperCase() === 'USER') user = { value: m[2]!, line: i + 1 };
    else if (m[2]!.toUpperCase() !== 'NONE') health = true;
  });
  const uid = user?.value.split(':')[0];
  if (!user) issues.push({ line: lines.length, message: 'no USER instruction: the server would run as root' });
  else if (uid === 'root' || uid === '0') issues.push({ line: user.line, message: 'USER is root: the server must run as a non-root user' });
  if (!health) issues.push({ line: lines.length, message: 'no HEALTHCHECK instruction' });
  return issues;
}

/** Throws MLS_ERR_DEPLOY_DOCKERFILE_INVALID naming the file and every issue. */
export function assertDockerfile(content: string, file: string, policy = true): void {
  let issues = lintDockerfile(content);
  if (!policy) issues = issues.filter((i) => !/USER|HEALTHCHECK/.test(i.message));
  if (issues.length) {
    const lines = issues.map((i) => `${file}:${i.line}: ${i.message}`);
    throw new MlsError('MLS_ERR_DEPLOY_DOCKERFILE_INVALID', { issues: lines.join('; ') }, { details: { file, issues: lines } });
  }
}
