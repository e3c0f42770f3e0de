// Adding and removing a VIP with one rtnetlink request each (RTM_NEWADDR / RTM_DELADDR), as
// keepalived does. In-process this costs ~10 us per address; `ip -batch` costs ~100 us per line
// plus a pipe round trip, so a takeover of hundreds of VIPs took tens of ms before its last GARP.
// The request is what `ip addr add|del ADDR/LEN dev DEV [label L] [nodad]` sends; the kernel
// handles it inside sendto() and queues its ack, so the call returns at once.
#include <napi.h>

#include "common.h"

#include <errno.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <string>

namespace {

using floatd::IntArg;
using floatd::ThrowErrno;
using floatd::ThrowType;

// One NETLINK_ROUTE socket for the process, opened on first use (close-on-exec), never
// subscribed to a group: the only messages it receives are the acks of its own requests.
int routeSocket = -1;
uint32_t lastSequence = 0;

// Returns the socket, or -errno.
int RouteSocket() {
  if (routeSocket >= 0) return routeSocket;
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) return -errno;
  struct sockaddr_nl local;
  memset(&local, 0, sizeof local);
  local.nl_family = AF_NETLINK;
  if (bind(fd, reinterpret_cast<struct sockaddr*>(&local), sizeof local) < 0) {
    int err = errno;
    close(fd);
    return -err;
  }
  // The ack is queued before sendto() returns; this bound only guards against a kernel that
  // never answers (then the caller sees EAGAIN and may retry the classic way).
  struct timeval timeout = {1, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  routeSocket = fd;
  return fd;
}

struct AddressRequest {
  struct nlmsghdr header;
  struct ifaddrmsg message;
  char attributes[2 * RTA_SPACE(16) + RTA_SPACE(IFNAMSIZ)];
};

void AddAttribute(struct nlmsghdr* header, unsigned short type, const void* data, size_t length) {
  struct rtattr* attribute = reinterpret_cast<struct rtattr*>(
      reinterpret_cast<char*>(header) + NLMSG_ALIGN(header->nlmsg_len));
  attribute->rta_type = type;
  attribute->rta_len = static_cast<unsigned short>(RTA_LENGTH(length));
  memcpy(RTA_DATA(attribute), data, length);
  header->nlmsg_len = NLMSG_ALIGN(header->nlmsg_len) + RTA_ALIGN(attribute->rta_len);
}

// Sends the request and waits for its ack: 0, or -errno (the kernel's answer or our own).
int Transact(struct nlmsghdr* request) {
  int fd = RouteSocket();
  if (fd < 0) return fd;
  request->nlmsg_seq = ++lastSequence;
  struct sockaddr_nl kernel;
  memset(&kernel, 0, sizeof kernel);
  kernel.nl_family = AF_NETLINK;
  ssize_t sent;
  do {
    sent = sendto(fd, request, request->nlmsg_len, 0, reinterpret_cast<struct sockaddr*>(&kernel),
                  sizeof kernel);
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) return -errno;
  alignas(struct nlmsghdr) char buffer[4096];
  for (;;) {
    ssize_t received;
    do {
      received = recv(fd, buffer, sizeof buffer, 0);
    } while (received < 0 && errno == EINTR);
    if (received < 0) return -errno;
    int length = static_cast<int>(received);
    for (struct nlmsghdr* reply = reinterpret_cast<struct nlmsghdr*>(buffer);
         NLMSG_OK(reply, static_cast<unsigned>(length)); reply = NLMSG_NEXT(reply, length)) {
      // An ack of an earlier request that timed out is stale: skip it.
      if (reply->nlmsg_seq != request->nlmsg_seq || reply->nlmsg_type != NLMSG_ERROR) continue;
      const struct nlmsgerr* answer = static_cast<const struct nlmsgerr*>(NLMSG_DATA(reply));
      return answer->error;
    }
  }
}

// changeAddress(add, ifindex, address, prefixLength, nodad, label?) -> undefined
//   add: true for RTM_NEWADDR (an address already there is EEXIST), false for RTM_DELADDR
//   (an address not there is EADDRNOTAVAIL); address: 4 or 16 bytes; label: IPv4 only.
Napi::Value ChangeAddress(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int ifindex;
  int prefixLength;
  const char* usage = "changeAddress(add, ifindex, address, prefixLength, nodad, label?)";
  if (info.Length() < 5 || !info[0].IsBoolean() || !IntArg(info, 1, &ifindex) || ifindex == 0 ||
      !info[2].IsBuffer() || !IntArg(info, 3, &prefixLength) || !info[4].IsBoolean())
    return ThrowType(env, usage);
  bool add = info[0].As<Napi::Boolean>().Value();
  Napi::Buffer<uint8_t> address = info[2].As<Napi::Buffer<uint8_t>>();
  bool ipv4 = address.Length() == 4;
  if (!ipv4 && address.Length() != 16) return ThrowType(env, "changeAddress: 4 or 16 bytes");
  if (prefixLength > (ipv4 ? 32 : 128)) return ThrowType(env, "changeAddress: prefix length");
  std::string label;
  if (info.Length() > 5 && info[5].IsString()) {
    label = info[5].As<Napi::String>().Utf8Value();
    if (!ipv4 || label.empty() || label.size() >= IFNAMSIZ)
      return ThrowType(env, "changeAddress: a label is IPv4 only, 1-15 bytes");
  }

  AddressRequest request;
  memset(&request, 0, sizeof request);
  request.header.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg));
  request.header.nlmsg_type = add ? RTM_NEWADDR : RTM_DELADDR;
  request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
  if (add) request.header.nlmsg_flags |= NLM_F_CREATE | NLM_F_EXCL;
  request.message.ifa_family = ipv4 ? AF_INET : AF_INET6;
  request.message.ifa_prefixlen = static_cast<unsigned char>(prefixLength);
  request.message.ifa_scope = RT_SCOPE_UNIVERSE;
  request.message.ifa_index = static_cast<unsigned>(ifindex);
  // Without NODAD an IPv6 VIP is "tentative" for the DAD time; keepalived sets it too.
  if (info[4].As<Napi::Boolean>().Value()) request.message.ifa_flags = IFA_F_NODAD;
  AddAttribute(&request.header, IFA_LOCAL, address.Data(), address.Length());
  AddAttribute(&request.header, IFA_ADDRESS, address.Data(), address.Length());
  if (!label.empty()) AddAttribute(&request.header, IFA_LABEL, label.c_str(), label.size() + 1);

  int result = Transact(&request.header);
  if (result < 0) return ThrowErrno(env, -result, add ? "RTM_NEWADDR" : "RTM_DELADDR");
  return env.Undefined();
}

}  // namespace

namespace floatd {

void RegisterRtnlAddress(Napi::Env env, Napi::Object exports) {
  exports.Set("changeAddress", Napi::Function::New(env, ChangeAddress, "changeAddress"));
}

}  // namespace floatd
