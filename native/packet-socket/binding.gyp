# floatd's own AF_PACKET addon (see packet_socket.cc). Built by `npm ci` through the root
# package's install script, the same node-gyp that builds raw-socket.
{
  "targets": [
    {
      "target_name": "packet_socket",
      "sources": ["packet_socket.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags_cc": ["-Wall", "-Wextra", "-Werror"]
    }
  ]
}
