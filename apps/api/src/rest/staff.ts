import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { CIVILITIES, SIGNER_PROBLEMS, TENANT_ROLES } from '@rayon/domain';
import { inviteInput, staffPatchInput } from '@rayon/schemas/staff';
import { useCaseContext } from '../context.ts';
import type { Services } from '../services/index.ts';
import { apiKey, conflictResponse, errors, notFound, security, type RestEnv } from './common.ts';

const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });
const idParam = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) });
const userParam = z.object({ userId: z.uuid().openapi({ param: { name: 'userId', in: 'path' } }) });

const StaffProfileSchema = z
  .object({
    civility: z.enum(CIVILITIES).nullable(),
    familyName: z.string().nullable(),
    givenName: z.string().nullable(),
    rpps: z.string().nullable().openapi({ description: 'RPPS number: 11 digits, Luhn key' }),
    signsReports: z.boolean().openapi({ description: 'Allowed to sign (validate) reports' }),
  })
  .openapi('StaffProfile');

const StaffMemberSchema = z
  .object({
    userId: z.uuid(),
    email: z.string(),
    displayName: z.string(),
    roles: z.array(z.enum(TENANT_ROLES)),
    active: z.boolean(),
    disabledAt: z.string().nullable(),
    lastSignInAt: z.string().nullable(),
    profile: StaffProfileSchema,
    signer: z.object({
      ready: z.boolean().openapi({ description: 'May sign reports now' }),
      problems: z.array(z.enum(SIGNER_PROBLEMS)),
    }),
  })
  .openapi('StaffMember');

const StaffInvitationSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    displayName: z.string(),
    roles: z.array(z.enum(TENANT_ROLES)),
    profile: StaffProfileSchema.nullable(),
    createdAt: z.string(),
    expiresAt: z.string(),
    expired: z.boolean(),
    sentAt: z.string().nullable(),
    sendError: z.string().nullable(),
    existingAccount: z.boolean(),
  })
  .openapi('StaffInvitation');

const InvitationOutcomeSchema = z
  .object({
    invitation: StaffInvitationSchema,
    mailSent: z.boolean(),
    link: z.string().nullable().openapi({
      description: 'The invitation link, only when the mail could not be sent (pass it on yourself)',
    }),
  })
  .openapi('InvitationOutcome');

const route = (o: {
  method: 'get' | 'post' | 'patch' | 'delete';
  path: string;
  summary: string;
  scope: 'staff:read' | 'staff:write';
}) => ({
  method: o.method,
  path: o.path,
  tags: ['staff'],
  summary: o.summary,
  security,
  middleware: [apiKey(o.scope)],
});

const list = createRoute({
  ...route({
    method: 'get',
    path: '/staff',
    summary: 'Members of the practice and its pending invitations',
    scope: 'staff:read',
  }),
  responses: {
    200: {
      description: 'Members and open invitations (expired ones included, `expired: true`)',
      ...json(z.object({ members: z.array(StaffMemberSchema), invitations: z.array(StaffInvitationSchema) })),
    },
    ...errors,
  },
});

const invite = createRoute({
  ...route({
    method: 'post',
    path: '/staff/invitations',
    summary: 'Invite a person (an e-mail with a single-use link valid 7 days)',
    scope: 'staff:write',
  }),
  request: { body: { required: true, ...json(inviteInput) } },
  responses: {
    201: { description: 'Invited', ...json(InvitationOutcomeSchema) },
    ...errors,
    ...conflictResponse,
  },
});

const resend = createRoute({
  ...route({
    method: 'post',
    path: '/staff/invitations/{id}/resend',
    summary: 'Send the invitation again with a new link (the previous link stops working)',
    scope: 'staff:write',
  }),
  request: { params: idParam },
  responses: { 200: { description: 'Sent again', ...json(InvitationOutcomeSchema) }, ...errors, ...notFound },
});

const cancel = createRoute({
  ...route({
    method: 'delete',
    path: '/staff/invitations/{id}',
    summary: 'Cancel a pending invitation',
    scope: 'staff:write',
  }),
  request: { params: idParam },
  responses: {
    200: { description: 'Cancelled', ...json(z.object({ ok: z.literal(true) })) },
    ...errors,
    ...notFound,
  },
});

const patch = createRoute({
  ...route({
    method: 'patch',
    path: '/staff/{userId}',
    summary: "Change a member's roles and/or the profile printed on reports",
    scope: 'staff:write',
  }),
  request: { params: userParam, body: { required: true, ...json(staffPatchInput) } },
  responses: {
    200: { description: 'The member', ...json(StaffMemberSchema) },
    ...errors,
    ...notFound,
    ...conflictResponse,
  },
});

const deactivate = createRoute({
  ...route({
    method: 'post',
    path: '/staff/{userId}/deactivate',
    summary: "End a member's access: their sessions end and the API keys they created are revoked",
    scope: 'staff:write',
  }),
  request: { params: userParam },
  responses: {
    200: { description: 'The member', ...json(StaffMemberSchema) },
    ...errors,
    ...notFound,
    ...conflictResponse,
  },
});

const reactivate = createRoute({
  ...route({
    method: 'post',
    path: '/staff/{userId}/reactivate',
    summary: "Give a member's access back (revoked API keys stay revoked)",
    scope: 'staff:write',
  }),
  request: { params: userParam },
  responses: { 200: { description: 'The member', ...json(StaffMemberSchema) }, ...errors, ...notFound },
});

const resetSecondFactor = createRoute({
  ...route({
    method: 'post',
    path: '/staff/{userId}/second-factor/reset',
    summary:
      'Forget the second factor of a member who lost it (their sessions end; they enrol again at their next sign-in)',
    scope: 'staff:write',
  }),
  request: { params: userParam },
  responses: { 200: { description: 'The member', ...json(StaffMemberSchema) }, ...errors, ...notFound },
});

/** An API key invites in the practice's name: the mail names no inviter. */
const NO_INVITER = null;

export function registerStaffRoutes(app: OpenAPIHono<RestEnv>, services: Services) {
  const { staff } = services.access;
  app.openapi(list, async (c) => c.json(await staff.list(useCaseContext()), 200));
  app.openapi(invite, async (c) =>
    c.json(await staff.invite(useCaseContext(), c.req.valid('json'), NO_INVITER), 201),
  );
  app.openapi(resend, async (c) =>
    c.json(await staff.resendInvitation(useCaseContext(), c.req.valid('param').id, NO_INVITER), 200),
  );
  app.openapi(cancel, async (c) =>
    c.json(await staff.cancelInvitation(useCaseContext(), c.req.valid('param').id), 200),
  );
  app.openapi(patch, async (c) =>
    c.json(
      await staff.update(useCaseContext(), { userId: c.req.valid('param').userId, ...c.req.valid('json') }),
      200,
    ),
  );
  app.openapi(deactivate, async (c) =>
    c.json(await staff.deactivate(useCaseContext(), c.req.valid('param').userId), 200),
  );
  app.openapi(reactivate, async (c) =>
    c.json(await staff.reactivate(useCaseContext(), c.req.valid('param').userId), 200),
  );
  app.openapi(resetSecondFactor, async (c) =>
    c.json(await staff.resetSecondFactor(useCaseContext(), c.req.valid('param').userId), 200),
  );
}
