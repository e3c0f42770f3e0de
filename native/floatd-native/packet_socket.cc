// floatd's AF_PACKET socket (and close-on-exec marking): what Node and raw-socket cannot do.
// - Gratuitous ARP is an Ethernet frame, not an IP packet: it needs a packet socket (raw-socket
//   speaks AF_INET/AF_INET6 only). One socket per interface, bound to its ifindex, sends whole
//   frames synchronously: a burst of hundreds costs a few ms, no process per address.
// - raw-socket opens its sockets without SOCK_CLOEXEC and does not expose the fd, so every
//   child floatd starts would inherit them: markSocketsCloseOnExec() fixes that after the fact.
// Errors are JS exceptions carrying `code` (the errno name), `errno` and `syscall`.
#include <napi.h>

#include "common.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

namespace {

using floatd::IntArg;
using floatd::ThrowErrno;
using floatd::ThrowType;

// open(ifindex) -> fd: a send-only packet socket on one interface. Protocol 0 in socket() and
// bind() means the kernel queues no received frame on it.
Napi::Value Open(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int ifindex;
  if (!IntArg(info, 0, &ifindex) || ifindex == 0) return ThrowType(env, "open(ifindex > 0)");
  int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return ThrowErrno(env, errno, "socket");
  struct sockaddr_ll addr;
  memset(&addr, 0, sizeof addr);
  addr.sll_family = AF_PACKET;
  addr.sll_protocol = 0;
  addr.sll_ifindex = ifindex;
  if (bind(fd, reinterpret_cast<struct sockaddr*>(&addr), sizeof addr) < 0) {
    int err = errno;
    close(fd);
    return ThrowErrno(env, err, "bind");
  }
  // A takeover's burst is hundreds of frames at once (5 rounds x 200 VIPs with keepalived's
  // defaults); on a NIC each waits in the qdisc until transmitted, charged to this socket at
  // ~800 bytes. The default wmem (212992) holds ~260 before EAGAIN; 4 MiB (the kernel doubles
  // it) ~10,000, measured. Without CAP_NET_ADMIN the default stays.
  int sndbuf = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof sndbuf);
  return Napi::Number::New(env, fd);
}

// hardwareAddress(fd) -> Buffer: the bound interface's address as the kernel has it now
// (getsockname on a packet socket reports the device's dev_addr); empty if the device is gone.
Napi::Value HardwareAddress(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd;
  if (!IntArg(info, 0, &fd)) return ThrowType(env, "hardwareAddress(fd)");
  struct sockaddr_ll addr;
  socklen_t len = sizeof addr;
  memset(&addr, 0, sizeof addr);
  if (getsockname(fd, reinterpret_cast<struct sockaddr*>(&addr), &len) < 0)
    return ThrowErrno(env, errno, "getsockname");
  size_t halen = addr.sll_halen <= sizeof addr.sll_addr ? addr.sll_halen : 0;
  return Napi::Buffer<uint8_t>::Copy(env, addr.sll_addr, halen);
}

// interfaceIndex(name) -> ifindex in this network namespace (ENODEV when there is none).
Napi::Value InterfaceIndex(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) return ThrowType(env, "interfaceIndex(name)");
  std::string name = info[0].As<Napi::String>().Utf8Value();
  unsigned index = if_nametoindex(name.c_str());
  if (index == 0) return ThrowErrno(env, errno, "if_nametoindex");
  return Napi::Number::New(env, index);
}

// send(fd, ifindex, frame) -> bytes: one whole Ethernet frame (header included), now. The
// destination and protocol are the frame's own; a full queue is EAGAIN, never a wait.
Napi::Value Send(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd;
  int ifindex;
  if (!IntArg(info, 0, &fd) || !IntArg(info, 1, &ifindex) || info.Length() < 3 ||
      !info[2].IsBuffer())
    return ThrowType(env, "send(fd, ifindex, frame)");
  Napi::Buffer<uint8_t> frame = info[2].As<Napi::Buffer<uint8_t>>();
  if (frame.Length() < ETH_HLEN) return ThrowType(env, "send: frame shorter than its header");
  const uint8_t* data = frame.Data();
  struct sockaddr_ll addr;
  memset(&addr, 0, sizeof addr);
  addr.sll_family = AF_PACKET;
  memcpy(&addr.sll_protocol, data + 12, 2);  // the EtherType, already in network order
  addr.sll_ifindex = ifindex;
  addr.sll_halen = ETH_ALEN;
  memcpy(addr.sll_addr, data, ETH_ALEN);
  ssize_t sent;
  do {
    sent = sendto(fd, data, frame.Length(), 0, reinterpret_cast<struct sockaddr*>(&addr),
                  sizeof addr);
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) return ThrowErrno(env, errno, "sendto");
  return Napi::Number::New(env, static_cast<double>(sent));
}

Napi::Value Close(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd;
  if (!IntArg(info, 0, &fd)) return ThrowType(env, "close(fd)");
  // Linux releases the fd even when close() fails (EINTR included): never retry.
  if (close(fd) < 0 && errno != EINTR) return ThrowErrno(env, errno, "close");
  return env.Undefined();
}

// markSocketsCloseOnExec() -> fds changed: sets FD_CLOEXEC on every socket of this process
// (fd >= 3; stdio is the caller's business) that lacks it. Node and libuv open everything
// close-on-exec, so what this finds are sockets opened by addons that do not (raw-socket).
Napi::Value MarkSocketsCloseOnExec(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return ThrowErrno(env, errno, "opendir /proc/self/fd");
  int own = dirfd(dir);
  Napi::Array marked = Napi::Array::New(env);
  uint32_t count = 0;
  int failure = 0;
  const char* failedCall = nullptr;
  for (struct dirent* entry = readdir(dir); entry != nullptr; entry = readdir(dir)) {
    char* end = nullptr;
    long fd = strtol(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0' || fd < 3 || fd == own) continue;
    struct stat st;
    if (fstat(static_cast<int>(fd), &st) < 0 || !S_ISSOCK(st.st_mode)) continue;  // closed since
    int flags = fcntl(static_cast<int>(fd), F_GETFD);
    if (flags < 0 || (flags & FD_CLOEXEC) != 0) continue;
    if (fcntl(static_cast<int>(fd), F_SETFD, flags | FD_CLOEXEC) < 0) {
      failure = errno;
      failedCall = "fcntl F_SETFD";
      break;
    }
    marked.Set(count++, Napi::Number::New(env, static_cast<double>(fd)));
  }
  closedir(dir);
  if (failedCall != nullptr) return ThrowErrno(env, failure, failedCall);
  return marked;
}

}  // namespace

namespace floatd {

void RegisterPacketSocket(Napi::Env env, Napi::Object exports) {
  exports.Set("open", Napi::Function::New(env, Open, "open"));
  exports.Set("hardwareAddress", Napi::Function::New(env, HardwareAddress, "hardwareAddress"));
  exports.Set("interfaceIndex", Napi::Function::New(env, InterfaceIndex, "interfaceIndex"));
  exports.Set("send", Napi::Function::New(env, Send, "send"));
  exports.Set("close", Napi::Function::New(env, Close, "close"));
  exports.Set("markSocketsCloseOnExec",
              Napi::Function::New(env, MarkSocketsCloseOnExec, "markSocketsCloseOnExec"));
}

}  // namespace floatd
