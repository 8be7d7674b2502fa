// Subscriptions: assignment changes and raw audit events as they are committed.
import type { AssignmentChange } from '../changes/change-feed';
import { builder } from './builder';
import { AssignmentRef, AuditEventRef } from './types';

const ChangeKindEnum = builder.enumType('AssignmentChangeKind', {
  values: { OPENED: { value: 'opened' }, CLOSED: { value: 'closed' } } as const,
});

const AssignmentChangeRef = builder.objectRef<AssignmentChange>('AssignmentChange').implement({
  fields: (t) => ({
    kind: t.field({ type: ChangeKindEnum, resolve: (change) => change.kind }),
    cluster: t.exposeString('cluster'),
    assignment: t.field({ type: AssignmentRef, resolve: (change) => change.assignment }),
    event: t.field({ type: AuditEventRef, resolve: (change) => change.event }),
    cursor: t.exposeString('cursor', { description: 'Resume with changesSince(cursor:) after a reconnect.' }),
  }),
});

builder.subscriptionFields((t) => ({
  assignmentChanged: t.field({
    type: AssignmentChangeRef,
    description: 'An assignment opened or closed (within about 250 ms of its commit).',
    args: { cluster: t.arg.string() },
    subscribe: (_root, args, ctx) => ctx.changes.assignmentChanges(args.cluster ?? null),
    resolve: (change) => change,
  }),
  auditEvent: t.field({
    type: AuditEventRef,
    description: 'Every audit event as it is committed.',
    args: { cluster: t.arg.string() },
    subscribe: (_root, args, ctx) => ctx.changes.events(args.cluster ?? null),
    resolve: (event) => event,
  }),
}));
