// floatd's native addon: the few system calls Node and raw-socket do not offer.
// - packet_socket.cc: gratuitous ARP frames on an AF_PACKET socket, close-on-exec marking.
// - rtnl_address.cc: VIPs added and removed with one rtnetlink request each.
#include <napi.h>

namespace floatd {
void RegisterPacketSocket(Napi::Env env, Napi::Object exports);
void RegisterRtnlAddress(Napi::Env env, Napi::Object exports);
}  // namespace floatd

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  floatd::RegisterPacketSocket(env, exports);
  floatd::RegisterRtnlAddress(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(floatd_native, Init)
