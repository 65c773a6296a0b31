#include "server/outbox.hpp"

#include <algorithm>

namespace tolk::server {

outbox::outbox(std::size_t channel_count, std::uint32_t max_samples_per_channel,
               std::size_t max_control)
    : samples_(channel_count, 0), max_samples_(max_samples_per_channel), max_control_(max_control) {}

outbox::push_result outbox::finish(push_result r) {
    r.wake = writer_idle_;
    writer_idle_ = false;
    return r;
}

outbox::push_result outbox::push_audio(const frame_ref& frame) {
    std::lock_guard lock(mutex_);
    push_result r;
    if (frame.channel >= samples_.size())
        return r;
    std::uint32_t& queued = samples_[frame.channel];
    if (queued + frame.samples > max_samples_) {
        // Behind by more than the budget: drop all older audio of this channel and jump to the
        // live edge. An earlier resync marker of the channel is folded into the new one.
        std::uint32_t earlier_drops = 0;
        std::size_t markers = 0;
        auto stale = [&](const entry& e) {
            if (const auto* a = std::get_if<audio>(&e))
                return a->frame.channel == frame.channel;
            if (const auto* m = std::get_if<resync>(&e); m && m->channel == frame.channel) {
                earlier_drops += m->dropped;
                ++markers;
                return true;
            }
            return false;
        };
        const auto before = queue_.size();
        queue_.erase(std::remove_if(queue_.begin(), queue_.end(), stale), queue_.end());
        r.dropped = static_cast<std::uint32_t>(before - queue_.size() - markers);
        dropped_total_ += r.dropped;
        control_count_ -= markers;
        queued = 0;
        queue_.emplace_back(resync{frame.channel, r.dropped + earlier_drops});
        ++control_count_;
    }
    queued += frame.samples;
    queue_.emplace_back(audio{frame});
    return finish(r);
}

outbox::push_result outbox::push_control(entry e) {
    std::lock_guard lock(mutex_);
    push_result r;
    if (control_count_ >= max_control_) {
        r.overflow = true;
        return r;
    }
    queue_.push_back(std::move(e));
    ++control_count_;
    return finish(r);
}

outbox::push_result outbox::push_text(std::shared_ptr<const std::string> message) {
    return push_control(text{std::move(message)});
}

outbox::push_result outbox::push_pong(std::string payload) {
    return push_control(pong{std::move(payload)});
}

outbox::push_result outbox::push_ping(std::string payload) {
    return push_control(ping{std::move(payload)});
}

outbox::push_result outbox::push_close(std::uint16_t code, std::string reason) {
    std::lock_guard lock(mutex_);
    queue_.emplace_back(close{code, std::move(reason)});
    return finish({});
}

bool outbox::take(std::vector<entry>& out) {
    out.clear();
    std::lock_guard lock(mutex_);
    if (queue_.empty()) {
        writer_idle_ = true;
        if (queue_.capacity() > 16)
            std::vector<entry>().swap(queue_);  // a backlog once: do not keep its room for life
        return false;
    }
    out.swap(queue_);  // the writer's previous (cleared) batch becomes the new queue
    std::fill(samples_.begin(), samples_.end(), 0);
    control_count_ = 0;
    return true;
}

bool outbox::writer_idle() const {
    std::lock_guard lock(mutex_);
    return writer_idle_;
}

std::uint64_t outbox::dropped_total() const {
    std::lock_guard lock(mutex_);
    return dropped_total_;
}

std::uint32_t outbox::queued_samples(std::uint16_t channel) const {
    std::lock_guard lock(mutex_);
    return channel < samples_.size() ? samples_[channel] : 0;
}

}  // namespace tolk::server
