// When the kernel received the last packet read from a socket: a VRRP advert's Master_Down
// timer then starts at its arrival, not when a busy or just-woken event loop got to it (about
// a millisecond later here, measured with a capture beside the agent).
//
// SIOCGSTAMPNS (socket(7)) returns the receive time of the last packet handed to user space,
// on CLOCK_REALTIME. Its first call turns timestamping on for the socket and fails with
// ENOENT; afterwards every recvfrom() records its packet's time. raw-socket reads with
// recvfrom() and calls back synchronously, so asked inside that callback it is the packet's.
#include "common.h"

#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <time.h>

namespace floatd {
namespace {

// receiveAgeNs(fd) -> nanoseconds since the kernel received the last packet read, on the
// realtime clock both times come from; -1 when the socket has no stamp yet (the first call).
Napi::Value ReceiveAgeNs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd;
  if (!IntArg(info, 0, &fd)) return ThrowType(env, "receiveAgeNs(fd)");
  struct timespec stamp;
  if (ioctl(fd, SIOCGSTAMPNS, &stamp) < 0) {
    if (errno == ENOENT) return Napi::Number::New(env, -1);
    return ThrowErrno(env, errno, "ioctl(SIOCGSTAMPNS)");
  }
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  double ageNs = static_cast<double>(now.tv_sec - stamp.tv_sec) * 1e9 +
                 static_cast<double>(now.tv_nsec - stamp.tv_nsec);
  return Napi::Number::New(env, ageNs);
}

}  // namespace

void RegisterReceiveStamp(Napi::Env env, Napi::Object exports) {
  exports.Set("receiveAgeNs", Napi::Function::New(env, ReceiveAgeNs, "receiveAgeNs"));
}

}  // namespace floatd
