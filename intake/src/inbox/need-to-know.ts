/** Who may act on a request (security review N7), shared by the routes and the pages. */

/**
 * Need-to-know (security review N7): only the person who claimed a request,
 * or an administrator, may change its status, export it or answer it.
 * Everyone else sees that it is claimed, and by whom.
 */
export function mayHandle(staff: { id: number; role: string } | null | undefined, row: { claimedBy: number | null }): boolean {
  if (!staff) return false;
  return staff.role === 'admin' || (row.claimedBy !== null && row.claimedBy === staff.id);
}

/** Why someone may not handle a request: it is nobody's yet, or someone else's. */
export const notHandlingReason = (row: { claimedBy: number | null }): 'statusNeedsClaim' | 'notYours' =>
  row.claimedBy === null ? 'statusNeedsClaim' : 'notYours';
