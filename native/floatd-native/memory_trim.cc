// Memory an agent no longer needs after it started, handed back to the kernel:
// - trimMemory: malloc_trim(3): free heap pages of glibc's arenas (start-up work done in a
//   worker thread leaves its arena full of free chunks).
// - pageOutReadOnlyData: madvise(MADV_PAGEOUT) (Linux 5.4) on the executable's read-only, not
//   executable file mappings: the Node runtime's V8 start-up snapshot and ICU data, read while
//   it started and rarely after. Code pages are left alone: the next failover may need them.
//   Clean file pages are dropped, not written; one read later brings a page back.
#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <climits>
#include <fstream>
#include <sstream>
#include <string>

#include "common.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

namespace floatd {
namespace {

Napi::Value TrimMemory(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), malloc_trim(0) == 1);
}

Napi::Value PageOutReadOnlyData(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n < 0) return ThrowErrno(env, errno, "readlink");
  exe[n] = '\0';
  std::ifstream maps("/proc/self/maps");
  if (!maps) return ThrowErrno(env, errno, "open /proc/self/maps");
  double advised = 0;
  std::string line;
  while (std::getline(maps, line)) {
    // start-end perms offset dev inode path
    std::istringstream fields(line);
    std::string range, perms, offset, dev, inode, path;
    fields >> range >> perms >> offset >> dev >> inode;
    std::getline(fields >> std::ws, path);
    if (path != exe || perms.size() < 4 || perms[0] != 'r' || perms[1] != '-' || perms[2] != '-') {
      continue;
    }
    unsigned long start = 0, end = 0;
    if (sscanf(range.c_str(), "%lx-%lx", &start, &end) != 2 || end <= start) continue;
    if (madvise(reinterpret_cast<void*>(start), end - start, MADV_PAGEOUT) != 0) {
      return ThrowErrno(env, errno, "madvise");
    }
    advised += static_cast<double>(end - start);
  }
  return Napi::Number::New(env, advised);
}

}  // namespace

void RegisterMemoryTrim(Napi::Env env, Napi::Object exports) {
  exports.Set("trimMemory", Napi::Function::New(env, TrimMemory));
  exports.Set("pageOutReadOnlyData", Napi::Function::New(env, PageOutReadOnlyData));
}

}  // namespace floatd
