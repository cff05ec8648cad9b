// Standalone driver for the fuzz targets when libFuzzer is not used (any compiler): runs
// LLVMFuzzerTestOneInput() on every seed file, then on deterministic mutations of the seeds
// (a seeded PRNG: bit flips, byte and token inserts, deletions, duplications, truncations,
// number replacements, splices of two seeds) until a wall-time or run budget is spent.
//
//   fuzz_csv [--seconds S] [--runs N] [--seed N] [--max-len BYTES]
//            [--artifact-prefix PREFIX] PATH...
//
// Each PATH is a seed file or a directory whose regular files are seeds (not recursive).
// A crash (signal, or a sanitizer's death callback) writes the input being run to
// PREFIX + "crash-<run>" and prints the path, so `fuzz_csv PREFIXcrash-<run>` replays it.
// Exit status 0 when every run returned, 2 for bad arguments or no seeds.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "faultline/internal/random.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
extern "C" void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

namespace {

// The input being run, for the crash handlers.
const char* g_input = nullptr;
std::size_t g_input_size = 0;
char g_artifact_path[4096] = "crash";

void WriteAll(int fd, const char* p, std::size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w <= 0) return;
    p += w;
    n -= static_cast<std::size_t>(w);
  }
}

void DumpInput() {
  if (g_input == nullptr) return;
  const int fd = ::open(g_artifact_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd >= 0) {
    WriteAll(fd, g_input, g_input_size);
    ::close(fd);
  }
  const char msg[] = "\n==fuzz== crashing input written to ";
  WriteAll(2, msg, sizeof(msg) - 1);
  WriteAll(2, g_artifact_path, std::strlen(g_artifact_path));
  WriteAll(2, "\n", 1);
  g_input = nullptr;
}

void OnSignal(int sig) {
  DumpInput();
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

// Mutations are drawn from SplitMix64: the same on every platform for a given --seed.
using Rng = faultline::internal::SplitMix64;

// Tokens that matter to the formats under test: CSV and JSON syntax, numbers at the edges,
// protobuf varints and tags, compression magic numbers.
const std::vector<std::string>& Tokens() {
  static const std::vector<std::string> tokens = {
      "\"", ",", "\n", "\r\n", "\r", "\"\"", "{", "}", "[", "]", ":", "\\", "\\u0000",
      "\\ud800", "null", "true", "false", "-1", "0", "1e999", "-0.0", "9223372036854775807",
      "18446744073709551616", "-9223372036854775808", "\xEF\xBB\xBF", "root", "\"traceId\":",
      "\"spanId\":\"", "\"data\":[", "{\"traceID\":\"", "\x0a\xff\xff\xff\xff\x0f",
      "\x12\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01", "\x0a\x00", "\x1f\x8b\x08\x00",
      "\x28\xb5\x2f\xfd", "\x00\x00\x00\x10", "\x7f\xff\xff\xff", std::string(1, '\0'),
      "\xff", "\xc3\xa9", "SPAN_KIND_SERVER", "STATUS_CODE_ERROR",
  };
  return tokens;
}

std::string Mutate(const std::vector<std::string>& seeds, Rng& rng, std::size_t max_len) {
  std::string s = seeds[rng.Below(seeds.size())];
  const std::size_t steps = 1 + rng.Below(4);
  for (std::size_t step = 0; step < steps; ++step) {
    switch (rng.Below(9)) {
      case 0:  // flip a bit
        if (!s.empty()) s[rng.Below(s.size())] ^= static_cast<char>(1u << rng.Below(8));
        break;
      case 1:  // set a byte
        if (!s.empty()) s[rng.Below(s.size())] = static_cast<char>(rng.Next());
        break;
      case 2: {  // insert a random byte
        s.insert(s.begin() + static_cast<std::ptrdiff_t>(rng.Below(s.size() + 1)),
                 static_cast<char>(rng.Next()));
        break;
      }
      case 3: {  // insert a token
        const std::string& t = Tokens()[rng.Below(Tokens().size())];
        s.insert(rng.Below(s.size() + 1), t);
        break;
      }
      case 4: {  // delete a range
        if (s.empty()) break;
        const std::size_t at = rng.Below(s.size());
        s.erase(at, 1 + rng.Below(std::min<std::size_t>(s.size() - at, 64)));
        break;
      }
      case 5: {  // duplicate a range elsewhere
        if (s.empty()) break;
        const std::size_t at = rng.Below(s.size());
        const std::string chunk = s.substr(at, 1 + rng.Below(std::min<std::size_t>(s.size() - at, 256)));
        s.insert(rng.Below(s.size() + 1), chunk);
        break;
      }
      case 6:  // truncate
        s.resize(rng.Below(s.size() + 1));
        break;
      case 7: {  // replace a run of digits with a number at the edges
        if (s.empty()) break;
        std::size_t at = rng.Below(s.size());
        while (at < s.size() && !(s[at] >= '0' && s[at] <= '9')) ++at;
        std::size_t end = at;
        while (end < s.size() && s[end] >= '0' && s[end] <= '9') ++end;
        static const char* const kNumbers[] = {"0", "-1", "99999999999999999999",
                                               "9223372036854775807", "1e308", "-", ""};
        s.replace(at, end - at, kNumbers[rng.Below(7)]);
        break;
      }
      case 8: {  // splice: a prefix of this input and a suffix of another seed
        const std::string& other = seeds[rng.Below(seeds.size())];
        const std::size_t cut = rng.Below(s.size() + 1);
        const std::size_t from = rng.Below(other.size() + 1);
        s = s.substr(0, cut) + other.substr(from);
        break;
      }
    }
    if (s.size() > max_len) s.resize(max_len);
  }
  return s;
}

// Runs one input from an exactly sized heap copy, so reads past its end are out of bounds
// for AddressSanitizer.
void RunOne(const std::string& input, std::uint64_t run, const std::string& prefix) {
  std::unique_ptr<char[]> copy(new char[input.size() == 0 ? 1 : input.size()]);
  if (!input.empty()) std::memcpy(copy.get(), input.data(), input.size());
  std::snprintf(g_artifact_path, sizeof(g_artifact_path), "%scrash-%llu", prefix.c_str(),
                static_cast<unsigned long long>(run));
  g_input = copy.get();
  g_input_size = input.size();
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(copy.get()), input.size());
  g_input = nullptr;
}

bool ReadFile(const std::filesystem::path& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream s;
  s << in.rdbuf();
  *out = s.str();
  return true;
}

int Usage(const char* argv0) {
  std::fprintf(stderr,
               "usage: %s [--seconds S] [--runs N] [--seed N] [--max-len BYTES] "
               "[--artifact-prefix PREFIX] PATH...\n",
               argv0);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 5;
  std::uint64_t max_runs = UINT64_MAX;
  std::uint64_t seed = 1;
  std::size_t max_len = 1 << 20;
  constexpr std::uintmax_t kMaxSeedBytes = 8 << 20;
  std::string prefix;
  std::vector<std::string> paths;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    const char* v = nullptr;
    if (arg == "--seconds" && (v = value())) {
      seconds = std::atof(v);
    } else if (arg == "--runs" && (v = value())) {
      max_runs = std::strtoull(v, nullptr, 10);
    } else if (arg == "--seed" && (v = value())) {
      seed = std::strtoull(v, nullptr, 10);
    } else if (arg == "--max-len" && (v = value())) {
      max_len = std::max<std::size_t>(1, std::strtoull(v, nullptr, 10));
    } else if (arg == "--artifact-prefix" && (v = value())) {
      prefix = v;
    } else if (!arg.empty() && arg[0] == '-') {
      return Usage(argv[0]);
    } else {
      paths.emplace_back(arg);
    }
  }

  std::vector<std::string> seeds;
  for (const std::string& p : paths) {
    std::error_code ec;
    std::vector<std::filesystem::path> files;
    if (std::filesystem::is_directory(p, ec)) {
      for (const auto& entry : std::filesystem::directory_iterator(p, ec)) {
        if (entry.is_regular_file(ec)) files.push_back(entry.path());
      }
      std::sort(files.begin(), files.end());
    } else if (std::filesystem::is_regular_file(p, ec)) {
      files.emplace_back(p);
    } else {
      std::fprintf(stderr, "%s: no such file or directory\n", p.c_str());
      return 2;
    }
    for (const auto& f : files) {
      std::string bytes;
      if (std::filesystem::file_size(f, ec) > kMaxSeedBytes || !ReadFile(f, &bytes)) continue;
      seeds.push_back(std::move(bytes));
    }
  }
  if (seeds.empty()) {
    std::fprintf(stderr, "no seed inputs\n");
    return Usage(argv[0]);
  }

  for (int sig : {SIGSEGV, SIGABRT, SIGFPE, SIGILL, SIGBUS}) std::signal(sig, OnSignal);
  if (&__sanitizer_set_death_callback != nullptr) __sanitizer_set_death_callback(DumpInput);

  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                    std::chrono::duration<double>(seconds));
  std::uint64_t run = 0;
  for (const std::string& s : seeds) RunOne(s, run++, prefix);
  RunOne(std::string(), run++, prefix);
  Rng rng(seed);
  while (run < max_runs && std::chrono::steady_clock::now() < deadline) {
    RunOne(Mutate(seeds, rng, max_len), run++, prefix);
  }
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%s: %llu runs (%zu seeds, seed %llu) in %.1f s, no crash\n", argv[0],
              static_cast<unsigned long long>(run), seeds.size(),
              static_cast<unsigned long long>(seed), elapsed);
  return 0;
}
