#!/usr/bin/env python3
"""Independent generator of the expected bytes in hand-vectors.test.ts.

Written from RFC 3768 §5.3, RFC 5798 §5.2, RFC 1071, RFC 791 §3.1 and RFC 8200 §8.1,
without looking at the TypeScript codec. Run once; paste the output into the test:
    python3 test/unit/codec/hand-vectors.py
"""
import ipaddress
import struct

PROTO_VRRP = 112


def csum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def addr(text: str) -> bytes:
    return ipaddress.ip_address(text).packed


def pseudo(src: str, dst: str, length: int) -> bytes:
    s, d = addr(src), addr(dst)
    if len(s) == 4:
        return s + d + struct.pack("!BBH", 0, PROTO_VRRP, length)
    return s + d + struct.pack("!I3xB", length, PROTO_VRRP)


def v2(vrid, prio, intvl, auth_type, auth, addrs, count=None, ver_type=0x21, cksum=None):
    body = b"".join(addr(a) for a in addrs)
    n = len(addrs) if count is None else count
    msg = struct.pack("!BBBBBBH", ver_type, vrid, prio, n, auth_type, intvl, 0) + body + auth
    c = csum(msg) if cksum is None else cksum
    return msg[:6] + struct.pack("!H", c) + msg[8:]


def v3(src, dst, vrid, prio, intvl_cs, addrs, count=None, ver_type=0x31, extra=b"", cksum=None):
    body = b"".join(addr(a) for a in addrs)
    n = len(addrs) if count is None else count
    msg = struct.pack("!BBBBHH", ver_type, vrid, prio, n, intvl_cs, 0) + body + extra
    c = csum(pseudo(src, dst, len(msg)) + msg) if cksum is None else cksum
    return msg[:6] + struct.pack("!H", c) + msg[8:]


def ip4(payload, src, dst, ttl=255, tos=0xC0, ident=0, df=False, proto=PROTO_VRRP, ver_ihl=0x45,
        total=None, hcksum=None, options=b""):
    tl = 20 + len(options) + len(payload) if total is None else total
    h = struct.pack("!BBHHHBBH4s4s", ver_ihl, tos, tl, ident, 0x4000 if df else 0, ttl, proto, 0,
                    addr(src), addr(dst)) + options
    c = csum(h) if hcksum is None else hcksum
    return h[:10] + struct.pack("!H", c) + h[12:] + payload


def show(name, data):
    print(f"  {name}: '{data.hex()}',")


secret = b"secret\0\0"
m_v2 = v2(51, 150, 1, 1, secret, ["10.99.0.100"])
m_v6 = v3("fe80::1", "ff02::12", 51, 100, 100, ["2001:db8::10", "fe80::10"])
m_v3u = v3("192.0.2.1", "192.0.2.2", 42, 200, 250, ["192.0.2.10", "192.0.2.11"])

print("// good vectors")
show("v2AuthMessage", m_v2)
show("v2AuthPacket", ip4(m_v2, "10.99.0.1", "224.0.0.18", ident=1))
show("v3Ipv6Message", m_v6)
show("v3UnicastMessage", m_v3u)
show("v3UnicastPacket", ip4(m_v3u, "192.0.2.1", "192.0.2.2", ident=0x1234, df=True))
# IHL 6: a Router Alert option (RFC 2113), type 0x94 length 4 value 0.
show("v3WithIpOptions", ip4(m_v3u, "192.0.2.1", "192.0.2.2", ver_ihl=0x46, options=bytes.fromhex("94040000")))

print("// rejects (IPv4 packets unless named *Message / *Ipv6)")
S, D = "10.99.0.1", "224.0.0.18"
good = v3(S, D, 51, 150, 100, ["10.99.0.100"])
show("truncated", ip4(good, S, D)[:-1])
show("truncatedMessage", good[:7])
show("badIpVersion", ip4(good, S, D, ver_ihl=0x65))
show("badIhl", ip4(good, S, D, ver_ihl=0x44))
show("badIpHeaderChecksum", ip4(good, S, D, hcksum=0x1234))
show("notVrrp", ip4(good, S, D, proto=17))
show("ttl64", ip4(good, S, D, ttl=64))
show("badVersion", ip4(v3(S, D, 51, 150, 100, ["10.99.0.100"], ver_type=0x41), S, D))
show("badType", ip4(v3(S, D, 51, 150, 100, ["10.99.0.100"], ver_type=0x32), S, D))
show("badVrid", ip4(v3(S, D, 0, 150, 100, ["10.99.0.100"]), S, D))
show("countZero", ip4(v3(S, D, 51, 150, 100, [], count=0), S, D))
show("countMismatch", ip4(v3(S, D, 51, 150, 100, ["10.99.0.100"], count=2), S, D))
show("trailingBytes", ip4(v3(S, D, 51, 150, 100, ["10.99.0.100"], extra=b"\0\0\0\0"), S, D))
show("badChecksum", ip4(v3(S, D, 51, 150, 100, ["10.99.0.100"], cksum=0xBEEF), S, D))
show("intervalZeroV3", ip4(v3(S, D, 51, 150, 0, ["10.99.0.100"]), S, D))
show("intervalZeroV2", ip4(v2(51, 150, 0, 0, bytes(8), ["10.99.0.100"]), S, D))
show("authAh", ip4(v2(51, 150, 1, 2, bytes(8), ["10.99.0.100"]), S, D))
show("authType3", ip4(v2(51, 150, 1, 3, bytes(8), ["10.99.0.100"]), S, D))
show("v2OverIpv6", v2(51, 150, 1, 0, bytes(8), ["10.99.0.100"]))
