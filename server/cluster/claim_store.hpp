#pragma once
// One booth per channel across the cluster: each channel's claim is a key in a JetStream
// key-value bucket whose TTL is the claim's lifetime. A node claims with create-if-absent,
// renews with a compare-and-set on the revision it holds (well within the TTL), and releases by
// deleting; a dead node stops renewing and its claims expire by themselves.
//
// A claim's value names who holds it: {"instance","node","identity","booth"}. The same booth
// (identity key, not empty) may take a claim over from another node: its reconnect.
//
// Thread-safety: any thread; every call is a request to NATS that blocks for at most ~1 s
// (jsOptions.Wait), so callers are the cluster's own worker thread or a booth's rare claim.

#include "server/cluster/nats_link.hpp"

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

struct __kvStore;

namespace tolk::cluster {

struct claim_value {
    std::string instance;  // the holding node's process (random, per start)
    std::string node;      // its name
    std::string identity;  // the booth's identity key ("" anonymous)
    std::string booth;     // the booth's name, for people
};

enum class claim_answer { ours, taken, unavailable };

struct claim_attempt {
    claim_answer answer = claim_answer::unavailable;
    std::uint64_t revision = 0;
    std::string holder;  // taken: the node that holds it
};

class claim_store {
public:
    // `replicas`: 1 on one NATS server, 3 on a three-server cluster (the bucket survives one).
    claim_store(nats_link& link, std::string bucket, std::chrono::milliseconds ttl, int replicas);
    ~claim_store();

    // Create-if-absent; a claim held by this instance, or (take_same_identity) by the same
    // booth identity elsewhere, is taken over with a compare-and-set.
    claim_attempt claim(const std::string& key, const claim_value& value, bool take_same_identity);
    // Compare-and-set on `revision`; if the claim expired meanwhile, created again.
    claim_attempt renew(const std::string& key, const claim_value& value, std::uint64_t revision);
    // Deletes the claim if it is still at `revision`.
    void drop(const std::string& key, std::uint64_t revision);
    // After a reconnect: make the bucket again before the next use (a restarted NATS lost it).
    void recheck();

private:
    __kvStore* bucket();  // opened (created) on first use once NATS is up; null meanwhile

    nats_link& link_;
    std::string name_;
    std::chrono::milliseconds ttl_;
    int replicas_;
    std::mutex mutex_;  // guards kv_ and recheck_
    __kvStore* kv_ = nullptr;  // a handle by name: stays valid when the bucket is made again
    bool recheck_ = true;
};

}  // namespace tolk::cluster
