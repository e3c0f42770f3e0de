// floatd's native addon: the few system calls Node and raw-socket do not offer.
// - packet_socket.cc: gratuitous ARP frames on an AF_PACKET socket, close-on-exec marking.
// - rtnl_address.cc: VIPs added and removed with one rtnetlink request each.
// - receive_stamp.cc: when the kernel received a packet (the Master_Down timer's start).
// - release_on_signal.cc: a MASTER's priority-0 advert sent from the SIGTERM handler itself.
// - memory_trim.cc: memory the agent no longer needs once started, handed back to the kernel.
#include <napi.h>

namespace floatd {
void RegisterPacketSocket(Napi::Env env, Napi::Object exports);
void RegisterRtnlAddress(Napi::Env env, Napi::Object exports);
void RegisterReceiveStamp(Napi::Env env, Napi::Object exports);
void RegisterReleaseOnSignal(Napi::Env env, Napi::Object exports);
void RegisterMemoryTrim(Napi::Env env, Napi::Object exports);
}  // namespace floatd

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  floatd::RegisterPacketSocket(env, exports);
  floatd::RegisterRtnlAddress(env, exports);
  floatd::RegisterReceiveStamp(env, exports);
  floatd::RegisterReleaseOnSignal(env, exports);
  floatd::RegisterMemoryTrim(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(floatd_native, Init)
