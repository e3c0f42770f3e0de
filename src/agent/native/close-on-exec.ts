// No child of floatd may inherit a raw socket. raw-socket's socket() has no SOCK_CLOEXEC and
// its fd is not exposed, so the `ip monitor`, `ip -batch`, notify and tracker children would
// all hold the VRRP socket (after a SIGKILL of floatd an orphaned `ip monitor` kept it, its
// receive queue filling). Right after each open we set FD_CLOEXEC on every socket lacking it:
// Node and libuv open all their fds close-on-exec, so those are exactly raw-socket's. It is
// sound because it runs synchronously after socket() on the JS thread, the only thread that
// spawns children: no fork can come between the two.
import { nativeAddon } from './native-addon.js';

/** Sets FD_CLOEXEC on every socket lacking it (the ones just opened); returns their fds. */
export function markSocketsCloseOnExec(): number[] {
  return nativeAddon().markSocketsCloseOnExec();
}
