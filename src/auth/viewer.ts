import { z } from 'zod';

export const ROLES = ['member', 'admin', 'platform_admin'] as const;
export type RoleValue = (typeof ROLES)[number];

/** Higher rank includes the lower ones: an admin may do what a member may. */
export const ROLE_RANK: Record<RoleValue, number> = { member: 1, admin: 2, platform_admin: 3 };

/**
 * Control characters (C0, DEL, C1). A signature proves who issued a token, not that its text is
 * fit to store: a NUL in `org_name` would otherwise reach the organizations table and fail there.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const NO_CONTROL = /^[^\u0000-\u001f\u007f-\u009f]*$/;

/** The claims DESIGN.md fixes; anything else in the token is ignored. */
export const claimsSchema = z.object({
  sub: z.string().min(1).max(200).regex(NO_CONTROL),
  org_id: z.string().uuid(),
  role: z.enum(ROLES),
  org_name: z.string().max(200).regex(NO_CONTROL).optional(),
});

export interface Viewer {
  userId: string;
  orgId: string;
  orgName: string | undefined;
  role: RoleValue;
  /** When the token stops being valid (its `exp`): a long-lived WebSocket is closed then. */
  expiresAtMs?: number;
}

/** What GraphQL's `Viewer` type resolves from (codegen's naming convention). */
export type ViewerModel = Viewer;
