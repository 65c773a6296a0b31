#include "server/cluster/claim_store.hpp"

#include "server/log.hpp"

#include <nats/nats.h>
#include <nlohmann/json.hpp>

#include <optional>

namespace tolk::cluster {

namespace {

std::string to_json(const claim_value& v) {
    return nlohmann::json{{"instance", v.instance}, {"node", v.node}, {"identity", v.identity}, {"booth", v.booth}}
        .dump();
}

claim_value from_json(const char* data, int size) {
    const auto j = nlohmann::json::parse(data, data + size, nullptr, false);
    if (!j.is_object())
        return {};
    return {j.value("instance", ""), j.value("node", ""), j.value("identity", ""), j.value("booth", "")};
}

// A compare-and-set that lost (the key is not at the expected revision), as opposed to NATS
// being unreachable or slow.
bool lost_race(natsStatus s) {
    if (s != NATS_ERR)
        return false;
    const std::string text = nats_GetLastError(nullptr);
    return text.find("wrong last sequence") != std::string::npos;
}

struct entry {
    claim_value value;
    std::uint64_t revision = 0;
};

// The current holder; nothing when the key is absent (expired, deleted) or NATS failed.
std::optional<entry> current(kvStore* kv, const std::string& key, natsStatus& status) {
    kvEntry* e = nullptr;
    status = kvStore_Get(&e, kv, key.c_str());
    if (status != NATS_OK)
        return std::nullopt;
    entry out{from_json(static_cast<const char*>(kvEntry_Value(e)), kvEntry_ValueLen(e)), kvEntry_Revision(e)};
    kvEntry_Destroy(e);
    return out;
}

}  // namespace

claim_store::claim_store(nats_link& link, std::string bucket, std::chrono::milliseconds ttl, int replicas)
    : link_(link), name_(std::move(bucket)), ttl_(ttl), replicas_(replicas) {}

void claim_store::recheck() {
    std::lock_guard lock(mutex_);
    recheck_ = true;
}

claim_store::~claim_store() {
    if (kv_)
        kvStore_Destroy(kv_);
}

kvStore* claim_store::bucket() {
    std::lock_guard lock(mutex_);
    if (!recheck_ || !link_.connected())
        return kv_;
    kvConfig cfg;
    kvConfig_Init(&cfg);
    cfg.Bucket = name_.c_str();
    cfg.History = 1;
    cfg.TTL = std::chrono::duration_cast<std::chrono::nanoseconds>(ttl_).count();  // libnats 3.4 passes it as MaxAge (ns)
    cfg.StorageType = js_MemoryStorage;  // claims outlive no one: a restarted NATS starts empty
    cfg.Replicas = replicas_;
    kvStore* made = nullptr;
    natsStatus s = js_CreateKeyValue(&made, link_.jetstream(), &cfg);
    if (s != NATS_OK)  // made by another node with other settings: use it as it is
        s = js_KeyValue(&made, link_.jetstream(), name_.c_str());
    if (s != NATS_OK) {
        server::log("cluster")->warn("claims bucket {}: {} ({})", name_, natsStatus_GetText(s), nats_GetLastError(nullptr));
        return kv_;
    }
    recheck_ = false;
    if (kv_)
        kvStore_Destroy(made);
    else
        kv_ = made;
    return kv_;
}

claim_attempt claim_store::claim(const std::string& key, const claim_value& value, bool take_same_identity) {
    kvStore* kv = bucket();
    if (!kv)
        return {};
    const std::string text = to_json(value);
    for (int attempt = 0; attempt < 2; ++attempt) {  // twice: the holder may expire in between
        std::uint64_t rev = 0;
        natsStatus s = kvStore_CreateString(&rev, kv, key.c_str(), text.c_str());
        if (s == NATS_OK)
            return {claim_answer::ours, rev, {}};
        if (!lost_race(s))
            return {};
        const auto held = current(kv, key, s);
        if (!held) {
            if (s == NATS_NOT_FOUND)
                continue;
            return {};
        }
        const bool same_booth = take_same_identity && !value.identity.empty() && held->value.identity == value.identity;
        if (held->value.instance != value.instance && !same_booth)
            return {claim_answer::taken, 0, held->value.node};
        s = kvStore_UpdateString(&rev, kv, key.c_str(), text.c_str(), held->revision);
        if (s == NATS_OK)
            return {claim_answer::ours, rev, {}};
        if (!lost_race(s))
            return {};
    }
    return {claim_answer::taken, 0, "?"};
}

claim_attempt claim_store::renew(const std::string& key, const claim_value& value, std::uint64_t revision) {
    kvStore* kv = bucket();
    if (!kv)
        return {};
    std::uint64_t rev = 0;
    const natsStatus s = kvStore_UpdateString(&rev, kv, key.c_str(), to_json(value).c_str(), revision);
    if (s == NATS_OK)
        return {claim_answer::ours, rev, {}};
    if (!lost_race(s))
        return {};
    // Expired (a long NATS outage) or taken over: ours again only if nobody else holds it.
    return claim(key, value, false);
}

void claim_store::drop(const std::string& key, std::uint64_t revision) {
    kvStore* kv = bucket();
    if (!kv)
        return;
    natsStatus s = NATS_OK;
    const auto held = current(kv, key, s);
    if (held && held->revision == revision)
        kvStore_Delete(kv, key.c_str());
}

}  // namespace tolk::cluster
