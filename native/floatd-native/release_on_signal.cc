// A MASTER's priority-0 advert (RFC 5798 §6.4.3), sent from the SIGTERM/SIGINT handler itself.
//
// Why here and not in JavaScript: Node runs a signal's listeners only after the handler has
// woken the event loop through a pipe, and the shutdown path runs for the first time then
// (uncompiled, cold caches): measured here 1-3 ms from kill() to the advert on the wire, where
// keepalived takes 0.7 ms. Every millisecond of it is a millisecond of the backup's takeover.
// sendto() is async-signal-safe (signal-safety(7)), so the handler sends packets prepared
// earlier: the agent keeps, per MASTER instance, the exact packets its core would send at
// shutdown (setRelease), and the core, told at shutdown that they went out
// (releasedBySignal), does not send them twice: a second priority 0 would restart the backup's
// Skew_Time.
//
// The handler then calls the one it replaced (libuv's), so Node's listeners run as before.
// Each instance's entry is a heap block swapped in with an atomic exchange; the handler may
// interrupt setRelease on this thread, so a replaced block is freed only at the next change of
// the same entry (the handler never holds a pointer across calls: it runs to completion).
#include "common.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <vector>

namespace floatd {
namespace {

constexpr int kMaxEntries = 4096;
constexpr int kMaxPackets = 64;

struct Packet {
  struct sockaddr_storage to;
  socklen_t toLength;
  std::vector<unsigned char> bytes;
};

struct Release {
  int fd;
  std::vector<Packet> packets;
};

std::atomic<Release*> entries[kMaxEntries];
// Replaced blocks, freed at the entry's next change (see above).
Release* retired[kMaxEntries];
// Set by the handler for each entry it sent; read by releasedBySignal.
std::atomic<bool> sent[kMaxEntries];
std::atomic<bool> fired{false};

struct sigaction previousTerm;
struct sigaction previousInt;
bool installed = false;

void SendAll() {
  for (int i = 0; i < kMaxEntries; i++) {
    Release* release = entries[i].load(std::memory_order_acquire);
    if (release == nullptr) continue;
    for (const Packet& p : release->packets) {
      sendto(release->fd, p.bytes.data(), p.bytes.size(), 0,
             reinterpret_cast<const struct sockaddr*>(&p.to), p.toLength);
    }
    sent[i].store(true, std::memory_order_release);
  }
}

void Chain(const struct sigaction& previous, int sig, siginfo_t* info, void* context) {
  if (previous.sa_flags & SA_SIGINFO) {
    if (previous.sa_sigaction != nullptr) previous.sa_sigaction(sig, info, context);
    return;
  }
  if (previous.sa_handler == SIG_IGN) return;
  if (previous.sa_handler == SIG_DFL) {
    // Nobody else listens: die of the signal as the process would have.
    signal(sig, SIG_DFL);
    raise(sig);
    return;
  }
  previous.sa_handler(sig);
}

void OnSignal(int sig, siginfo_t* info, void* context) {
  int savedErrno = errno;
  if (!fired.exchange(true)) SendAll();
  errno = savedErrno;
  Chain(sig == SIGTERM ? previousTerm : previousInt, sig, info, context);
}

// releaseOnSignal(): from now on SIGTERM and SIGINT first send the armed releases. Call it
// after Node installed its own handlers (process.on), which it then chains to.
Napi::Value ReleaseOnSignal(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (installed) return env.Undefined();
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_sigaction = OnSignal;
  action.sa_flags = SA_SIGINFO | SA_RESTART;
  sigfillset(&action.sa_mask);
  if (sigaction(SIGTERM, &action, &previousTerm) < 0) return ThrowErrno(env, errno, "sigaction");
  if (sigaction(SIGINT, &action, &previousInt) < 0) {
    int err = errno;
    sigaction(SIGTERM, &previousTerm, nullptr);
    return ThrowErrno(env, err, "sigaction");
  }
  installed = true;
  return env.Undefined();
}

bool ParseDestination(const Napi::Value& value, Packet* packet) {
  if (!value.IsObject()) return false;
  Napi::Object d = value.As<Napi::Object>();
  Napi::Value bytes = d.Get("packet");
  Napi::Value address = d.Get("address");
  Napi::Value scope = d.Get("scopeId");
  if (!bytes.IsBuffer() || !address.IsBuffer()) return false;
  Napi::Buffer<unsigned char> b = bytes.As<Napi::Buffer<unsigned char>>();
  Napi::Buffer<unsigned char> a = address.As<Napi::Buffer<unsigned char>>();
  packet->bytes.assign(b.Data(), b.Data() + b.Length());
  memset(&packet->to, 0, sizeof packet->to);
  if (a.Length() == 4) {
    auto* to = reinterpret_cast<struct sockaddr_in*>(&packet->to);
    to->sin_family = AF_INET;
    memcpy(&to->sin_addr, a.Data(), 4);
    packet->toLength = sizeof *to;
  } else if (a.Length() == 16) {
    auto* to = reinterpret_cast<struct sockaddr_in6*>(&packet->to);
    to->sin6_family = AF_INET6;
    memcpy(&to->sin6_addr, a.Data(), 16);
    if (scope.IsNumber()) to->sin6_scope_id = scope.As<Napi::Number>().Uint32Value();
    packet->toLength = sizeof *to;
  } else {
    return false;
  }
  return true;
}

// setRelease(entry, fd, [{packet, address, scopeId?}]): what the handler sends for `entry`;
// an empty list disarms it. Returns whether the handler already fired (then nothing changes).
Napi::Value SetRelease(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int entry;
  int fd;
  if (!IntArg(info, 0, &entry) || entry >= kMaxEntries || !IntArg(info, 1, &fd) ||
      info.Length() < 3 || !info[2].IsArray()) {
    return ThrowType(env, "setRelease(entry < 4096, fd, [{packet, address, scopeId?}])");
  }
  if (fired.load()) return Napi::Boolean::New(env, true);
  Napi::Array list = info[2].As<Napi::Array>();
  if (list.Length() > kMaxPackets) return ThrowType(env, "setRelease: at most 64 packets");
  Release* next = nullptr;
  if (list.Length() > 0) {
    next = new Release{fd, {}};
    next->packets.resize(list.Length());
    for (uint32_t i = 0; i < list.Length(); i++) {
      if (!ParseDestination(list.Get(i), &next->packets[i])) {
        delete next;
        return ThrowType(env, "setRelease: each packet is {packet: Buffer, address: 4 or 16 bytes}");
      }
    }
  }
  delete retired[entry];
  retired[entry] = entries[entry].exchange(next, std::memory_order_acq_rel);
  return Napi::Boolean::New(env, false);
}

// releasedBySignal(entry) -> whether the handler sent `entry`'s packets.
Napi::Value ReleasedBySignal(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int entry;
  if (!IntArg(info, 0, &entry) || entry >= kMaxEntries) {
    return ThrowType(env, "releasedBySignal(entry < 4096)");
  }
  return Napi::Boolean::New(env, sent[entry].load(std::memory_order_acquire));
}

}  // namespace

void RegisterReleaseOnSignal(Napi::Env env, Napi::Object exports) {
  exports.Set("releaseOnSignal", Napi::Function::New(env, ReleaseOnSignal, "releaseOnSignal"));
  exports.Set("setRelease", Napi::Function::New(env, SetRelease, "setRelease"));
  exports.Set("releasedBySignal", Napi::Function::New(env, ReleasedBySignal, "releasedBySignal"));
}

}  // namespace floatd
