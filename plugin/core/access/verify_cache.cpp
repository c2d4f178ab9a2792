#include "access/verify_cache.hpp"

#include <openssl/evp.h>

namespace interview::access {

std::string VerifyCache::key(const std::string& interview_id, const std::string& token) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(token.data(), token.size(), digest, &length, EVP_sha256(), nullptr);
    return interview_id + '\n' + std::string(reinterpret_cast<const char*>(digest), length);
}

const Verification* VerifyCache::find(const std::string& interview_id, const std::string& token,
                                      UnixSeconds now) {
    if (ttl_ <= 0) {
        return nullptr;
    }
    auto it = entries_.find(key(interview_id, token));
    if (it == entries_.end()) {
        return nullptr;
    }
    if (now >= it->second.expires_at) {
        entries_.erase(it);
        return nullptr;
    }
    return &it->second.verification;
}

void VerifyCache::put(const std::string& interview_id, const std::string& token,
                      const Verification& verification, UnixSeconds now) {
    if (ttl_ <= 0) {
        return;
    }
    if (entries_.size() >= max_entries_) {
        evict_expired(now);
        if (entries_.size() >= max_entries_) {
            entries_.clear();  // a burst of distinct tokens: start over rather than grow
        }
    }
    entries_[key(interview_id, token)] = Entry{verification, now + ttl_};
}

void VerifyCache::forget_interview(const std::string& interview_id) {
    const std::string prefix = interview_id + '\n';
    for (auto it = entries_.begin(); it != entries_.end();) {
        it = it->first.compare(0, prefix.size(), prefix) == 0 ? entries_.erase(it) : std::next(it);
    }
}

void VerifyCache::forget(const std::string& interview_id, const std::string& token) {
    entries_.erase(key(interview_id, token));
}

void VerifyCache::evict_expired(UnixSeconds now) {
    for (auto it = entries_.begin(); it != entries_.end();) {
        it = now >= it->second.expires_at ? entries_.erase(it) : std::next(it);
    }
}

}  // namespace interview::access
