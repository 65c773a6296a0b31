#pragma once
// booth_desks' own parts, shared by its two sources (booth_desks.cpp: consoles joining,
// leaving, frames and handovers; booth_desks_requests.cpp: the consoles' requests and the
// technician's view). Not for anyone else: see booth_desks.hpp.

#include "server/booth_desks.hpp"

#include <tuple>

namespace tolk::server {

struct booth_desks::member {
    std::uint64_t session = 0;
    booth_identity who;
    std::weak_ptr<booth_console> console;
    bool coughing = false;
    std::int64_t clock_offset_us = 0;
    std::int64_t passive_since_us = 0;  // when it was last told to stop sending
    protocol::booth_state sent;         // the last state it was sent
    bool told = false;
};

struct booth_desks::desk {
    std::uint16_t channel = 0;
    std::string booth;
    std::uint64_t claim_id = 0;  // the session that claimed the channel (the bus knows the desk by it)
    booth_identity claimed_as;
    std::vector<member> members;
    std::uint64_t live = 0;       // whose frames are published
    std::uint64_t incoming = 0;   // told to send; becomes live at its first frame
    std::uint64_t requester = 0;  // asked to take over
    std::int64_t requested_us = 0;
    bool both_live = false;
    std::int64_t last_passive_frame_us = 0;
    std::uint32_t next_sequence = 0;
    bool started = false;  // a frame was published on this channel
    std::string source;
    std::uint32_t audience = 0;
    std::vector<std::string> outputs;

    member* get(std::uint64_t session) {
        for (auto& m : members)
            if (m.session == session)
                return &m;
        return nullptr;
    }
};

// Texts and closes collected under the mutex, delivered when this goes out of scope (declare it
// before the lock, so that the lock is released first).
class booth_desks::delivery {
public:
    delivery() = default;
    delivery(const delivery&) = delete;
    delivery& operator=(const delivery&) = delete;
    ~delivery() {
        for (auto& [c, text] : texts_)
            if (auto console = c.lock())
                console->deliver_text(std::move(text));
        for (auto& [c, code, reason] : closes_)
            if (auto console = c.lock())
                console->evict(code, std::move(reason));
    }
    void send(const std::weak_ptr<booth_console>& c, std::shared_ptr<const std::string> text) {
        texts_.emplace_back(c, std::move(text));
    }
    void close(const std::weak_ptr<booth_console>& c, std::uint16_t code, std::string reason) {
        closes_.emplace_back(c, code, std::move(reason));
    }

private:
    std::vector<std::pair<std::weak_ptr<booth_console>, std::shared_ptr<const std::string>>> texts_;
    std::vector<std::tuple<std::weak_ptr<booth_console>, std::uint16_t, std::string>> closes_;
};

}  // namespace tolk::server
