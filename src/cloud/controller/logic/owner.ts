// Whose fence records the controller writes. It moves a group's targets on a candidate's
// behalf, so it writes as each candidate would, under a key of its own per candidate
// (`<controllerId>/<instance-id>`): a takeover outranks the record of the move before it, as an
// agent's does, and a record of the controller's is never taken for a live agent's.

export function controllerFenceOwner(controllerId: string, instanceId: string): string {
  return `${controllerId}/${instanceId}`;
}

export function isControllerFenceOwner(controllerId: string, owner: string): boolean {
  return owner.startsWith(`${controllerId}/`);
}
