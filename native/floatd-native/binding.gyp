# floatd's own native addon (see addon.cc): a packet socket for gratuitous ARP, close-on-exec
# marking, rtnetlink address changes, packet receive times,
# the priority-0 advert sent from the SIGTERM handler, memory handed back after start-up. Built by `npm ci` through the root package's install
# script, the same node-gyp that builds raw-socket.
{
  "targets": [
    {
      "target_name": "floatd_native",
      "sources": ["addon.cc", "packet_socket.cc", "rtnl_address.cc", "receive_stamp.cc", "release_on_signal.cc", "memory_trim.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags_cc": ["-Wall", "-Wextra", "-Werror"]
    }
  ]
}
