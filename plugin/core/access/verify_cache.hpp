// A short cache of the service's positive answers, so that a reconnect or a second tab does not
// cost a round trip each time. Keys hold a SHA-256 of the token, never the token itself.
// Revoking a token therefore takes effect after at most the cache's lifetime
// (verify_cache_seconds); refusals are never cached.
#pragma once

#include <string>
#include <unordered_map>

#include "access/policy.hpp"

namespace interview::access {

class VerifyCache {
  public:
    explicit VerifyCache(int ttl_seconds, size_t max_entries = 4096)
        : ttl_(ttl_seconds), max_entries_(max_entries) {}

    /// A fresh cached answer for this interview and token, or nullptr.
    const Verification* find(const std::string& interview_id, const std::string& token,
                             UnixSeconds now);
    void put(const std::string& interview_id, const std::string& token,
             const Verification& verification, UnixSeconds now);
    /// Drops every answer of one interview (it was ended or changed).
    void forget_interview(const std::string& interview_id);
    /// Drops the answer for one token (the service refused it since).
    void forget(const std::string& interview_id, const std::string& token);
    size_t size() const { return entries_.size(); }

  private:
    struct Entry {
        Verification verification;
        UnixSeconds expires_at;
    };
    static std::string key(const std::string& interview_id, const std::string& token);
    void evict_expired(UnixSeconds now);

    const int ttl_;
    const size_t max_entries_;
    std::unordered_map<std::string, Entry> entries_;
};

}  // namespace interview::access
