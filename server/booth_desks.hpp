#pragma once
// The booths of the event and their consoles (issue 12). A booth ("desk") holds one channel
// and has one or more consoles: the interpreters' booth_sessions that connected with the same
// `?booth=NAME` on that channel. One console is live (its frames are published, renumbered so
// that the channel's sequence runs on across handovers); the others are passive (connected,
// their frames refused and counted). A booth without a name is a desk of one console.
//
// The on-air decision stays the event_bus's claim (interlock or override, one place): a new
// desk claims its channel there; a console joining an existing desk of its name does not.
//
// Handover: a passive console requests, the live one accepts (or the request times out after
// booths.handover_timeout_ms, or a technician forces it). The incoming console is then told to
// send; the outgoing one stays published until the incoming one's first frame arrives, and
// that frame is the switch: no gap beyond one frame, no overlap, no discontinuity, no on_air
// flip. A passive console still sending past a short grace is "both live": an error state
// shown to every console of the booth.
//
// Ownership: one instance, owned by `server`, outliving every session; sessions call it from
// their shards. Thread-safety: one mutex guards everything below; it is taken before the
// bus's (claim, release), never the other way round. Texts and closes for consoles are
// collected under it and delivered after it is released (a console's deliver_text posts to its
// own shard).

#include "protocol/control_message.hpp"
#include "server/config.hpp"
#include "server/event_bus.hpp"
#include "server/metrics.hpp"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace tolk::server {

// What the desks need of a booth session. Both calls: any thread.
class booth_console {
public:
    virtual ~booth_console() = default;
    virtual void deliver_text(std::shared_ptr<const std::string> text) = 0;
    virtual void evict(std::uint16_t code, std::string reason) = 0;
};

struct console_entry {
    std::uint64_t session = 0;
    booth_identity who;
    std::string booth;  // ?booth=NAME ("" a booth of one console)
    std::weak_ptr<booth_console> console;
};

struct join_outcome {
    claim_result result = claim_result::unknown_channel;  // on_air(): accepted
    bool joined = false;  // a console of a booth already on the channel (passive, or replacing itself)
    bool on_air() const { return result != claim_result::taken && result != claim_result::unknown_channel; }
};

// What to do with one frame from a console.
struct frame_plan {
    bool publish = false;
    std::uint16_t channel = 0;
    std::uint32_t sequence = 0;
    bool discontinuity = false;  // the desk's first frame on this channel
    bool silence = false;        // the cough key is down: publish silence of the same length
    bool handover = false;       // the incoming console's first frame: no discontinuity of its own
};

class booth_desks {
public:
    booth_desks(event_bus& bus, metrics& counters, const server_config& config);

    join_outcome join(std::uint16_t channel, const console_entry& console, std::int64_t now_us);
    void leave(std::uint64_t session, std::int64_t now_us);
    frame_plan on_frame(std::uint64_t session, std::int64_t now_us);
    // Periodic (each console's timer): the audience count and a handover that timed out.
    void tick(std::uint64_t session, std::int64_t now_us);

    // Each returns "" when done, else why it was refused (for an error message).
    std::string handover(std::uint64_t session, const std::string& action, std::int64_t now_us);
    std::string select_output(std::uint64_t session, std::uint16_t channel);
    void cough(std::uint64_t session, bool on);
    void set_source(std::uint64_t session, std::string source);
    void clock_offset(std::uint64_t session, std::int64_t offset_us);
    // Returns how many consoles (or the technician's inbox: 1) it reached.
    std::size_t chat(std::uint64_t session, protocol::chat message, std::int64_t unix_ms);
    void slow_down(std::uint64_t session, std::int64_t unix_ms);

    // A technician: the passive console of the booth on `channel` takes over. False: no booth
    // with a second console there.
    bool force_handover(std::string_view channel_id);
    // The booths, their consoles, the technician's inbox (chat, slow-down): /api/tech/booths.
    nlohmann::json tech_view() const;
    // Auto-relay (booth_desks_relay.hpp): the floor's language, declared by the live console of
    // the booth on the floor channel (returns "" when done, else why it was refused) or set by a
    // technician ("" unknown). Every console is sent its booth_state when it changes.
    std::string declare_floor_language(std::uint64_t session, std::string language);
    void set_floor_language(std::string language, const std::string& by);
    std::string floor_language() const;
    // The floor channel's id ("" none): [booths] floor, else the channel "floor", else the first "mul".
    const std::string& floor_channel() const { return floor_channel_; }

    // A booth's A/B outputs ([] when the event file lists none for it).
    std::vector<std::string> outputs_of(const std::string& booth) const;

    // How long a console that was told to stop may still send before it counts as both live.
    static constexpr std::int64_t passive_grace_us = 400'000;

private:
    struct member;
    struct desk;
    class delivery;

    desk* find(std::uint64_t session, member** m = nullptr);
    void send_states(desk& d, delivery& out);
    protocol::booth_state state_for(const desk& d, const member& m) const;
    void switch_to(desk& d, std::uint64_t incoming, const char* why, std::int64_t now_us, delivery& out);
    void check_timeout(desk& d, std::int64_t now_us, delivery& out);
    void take_channel(desk& d, std::uint16_t channel);
    void change_floor_language(std::string language, const std::string& by, delivery& out);

    event_bus& bus_;
    metrics& counters_;
    const server_config& config_;
    mutable std::mutex mutex_;
    std::vector<std::shared_ptr<desk>> by_channel_;                    // the desk holding each channel
    std::unordered_map<std::uint64_t, std::shared_ptr<desk>> by_session_;
    struct inbox_entry {
        std::int64_t at_ms = 0;  // Unix time
        std::string kind;        // "chat" or "slow_down"
        std::string channel, booth, from, text;
    };
    std::deque<inbox_entry> inbox_;  // chat to the technician and slow-down signals, newest last
    std::map<std::string, std::uint64_t> slow_downs_;  // per channel id
    std::string floor_channel_;                         // fixed at construction
    std::string floor_language_;                        // "" unknown
};

}  // namespace tolk::server
