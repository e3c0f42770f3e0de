// Helpers shared by the addon's source files: errno exceptions and argument checks.
#pragma once

#include <napi.h>

#include <errno.h>
#include <string.h>

#include <string>

namespace floatd {


inline Napi::Value ThrowErrno(Napi::Env env, int err, const char* syscall) {
  const char* name = strerrorname_np(err);
  std::string code = name != nullptr ? name : "ERRNO_" + std::to_string(err);
  Napi::Error error = Napi::Error::New(env, std::string(syscall) + " " + code + ": " + strerror(err));
  error.Set("code", code);
  error.Set("errno", Napi::Number::New(env, err));
  error.Set("syscall", syscall);
  error.ThrowAsJavaScriptException();
  return env.Undefined();
}

inline Napi::Value ThrowType(Napi::Env env, const char* message) {
  Napi::TypeError::New(env, message).ThrowAsJavaScriptException();
  return env.Undefined();
}

inline bool IntArg(const Napi::CallbackInfo& info, size_t i, int* out) {
  if (info.Length() <= i || !info[i].IsNumber()) return false;
  double value = info[i].As<Napi::Number>().DoubleValue();
  if (value < 0 || value > 0x7fffffff || value != static_cast<int>(value)) return false;
  *out = static_cast<int>(value);
  return true;
}

}  // namespace floatd
