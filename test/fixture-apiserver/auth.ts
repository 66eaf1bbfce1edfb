import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { qualifiedName } from './resources';
import type { RequestTarget } from './rest';
import { HttpStatusError } from './status';

// Who may do what. One bearer token authenticates; anything else is a 401 before any routing. Every
// authenticated request is allowed except on forbidden resources, which answer the 403 RBAC gives the
// hopscope ServiceAccount, so discovery's hints can be checked against the real message.

const SERVICE_ACCOUNT_USER = 'system:serviceaccount:hopscope:hopscope';

export class Auth {
  readonly token: string;
  private forbidden: Set<string>;

  /** `fixedForbidden` (the scenario's) stays forbidden whatever setForbidden is given later. */
  constructor(
    token: string | undefined,
    private readonly fixedForbidden: string[],
    forbidden: string[] = [],
  ) {
    this.token = token ?? randomBytes(24).toString('hex');
    this.forbidden = new Set([...fixedForbidden, ...forbidden]);
  }

  authenticates(request: IncomingMessage): boolean {
    return request.headers.authorization === `Bearer ${this.token}`;
  }

  setForbidden(resources: string[]) {
    this.forbidden = new Set([...this.fixedForbidden, ...resources]);
  }

  /** Throws the 403 Status when `verb` on the target's resource is forbidden. */
  authorize(target: RequestTarget, verb: string) {
    const name = qualifiedName(target.resource);
    if (!this.forbidden.has(name)) return;
    const scope = target.namespace ? `in the namespace "${target.namespace}"` : 'at the cluster scope';
    throw new HttpStatusError(
      403,
      'Forbidden',
      `${name} is forbidden: User "${SERVICE_ACCOUNT_USER}" cannot ${verb} resource "${target.resource.plural}" in API group "${target.resource.group}" ${scope}`,
      { group: target.resource.group, kind: target.resource.plural },
    );
  }
}
