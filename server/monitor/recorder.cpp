#include "server/monitor/recorder.hpp"

#include "codec/codec_error.hpp"
#include "codec/ogg_opus_writer.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <ctime>
#include <optional>
#include <utility>

namespace tolk::monitor {
namespace {

// Control items (segment start/end, drain) may exceed the packet bound by this much.
constexpr std::size_t control_headroom = 256;

// 2026-11-28T09:30:00Z, or with '-' for ':' in file names.
std::string utc_time(time_point at, char separator) {
    const std::time_t t = clock::to_time_t(at);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[32];
    const char format[] = {'%', 'Y', '-', '%', 'm', '-', '%', 'd', 'T', '%', 'H', separator,
                           '%', 'M', separator, '%', 'S', 'Z', '\0'};
    std::strftime(buffer, sizeof buffer, format, &tm);
    return buffer;
}

std::string file_safe(const std::string& text) {
    std::string out = text.empty() ? "channel" : text;
    for (char& c : out) {
        const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                          (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!safe) {
            c = '_';
        }
    }
    return out;
}

}  // namespace

struct recorder::item {
    enum class kind { start, packet, gap, end, drain } what = kind::packet;
    std::string channel;
    std::string booth;
    time_point start;
    std::vector<std::uint8_t> data;
    int samples = 0;
};

struct recorder::channel_file {
    std::string channel;
    std::optional<codec::ogg_opus_writer> writer;
    std::uint64_t writer_packets = 0;  // written to the open file
    bool failing = false;
};

recorder::recorder(recorder_options options)
    : options_(std::move(options)),
      log_(options_.logger ? options_.logger : spdlog::default_logger()),
      thread_([this] { run(); }) {}

recorder::~recorder() {
    {
        std::lock_guard lock(queue_mutex_);
        stop_ = true;
    }
    queue_ready_.notify_one();
    thread_.join();
}

bool recorder::push(item&& it, bool control) {
    {
        std::lock_guard lock(queue_mutex_);
        const std::size_t limit = options_.queue_packets + (control ? control_headroom : 0);
        if (stop_ || queue_.size() >= limit) {
            ++dropped_;
            return false;
        }
        queue_.push_back(std::move(it));
        ++queued_;
    }
    queue_ready_.notify_one();
    return true;
}

void recorder::start_segment(const std::string& channel, const std::string& booth,
                             time_point start) {
    push({item::kind::start, channel, booth, start, {}, 0}, true);
}

bool recorder::write(const std::string& channel, std::span<const std::uint8_t> packet,
                     int samples) {
    return push({item::kind::packet, channel, {}, {}, {packet.begin(), packet.end()}, samples},
                false);
}

bool recorder::write_gap(const std::string& channel, int samples) {
    return push({item::kind::gap, channel, {}, {}, {}, samples}, false);
}

void recorder::end_segment(const std::string& channel) {
    push({item::kind::end, channel, {}, {}, {}, 0}, true);
}

recorder_status recorder::status() const {
    std::lock_guard lock(status_mutex_);
    return status_;
}

bool recorder::drain(std::chrono::milliseconds timeout) {
    if (!push({item::kind::drain, {}, {}, {}, {}, 0}, true)) {
        return false;
    }
    std::unique_lock lock(queue_mutex_);
    const std::uint64_t target = queued_;
    return handled_ready_.wait_for(lock, timeout, [&] { return handled_ >= target; });
}

void recorder::run() {
    auto next_flush = std::chrono::steady_clock::now() + options_.flush_interval;
    std::deque<item> batch;
    for (;;) {
        bool stopping = false;
        {
            std::unique_lock lock(queue_mutex_);
            queue_ready_.wait_until(lock, next_flush, [&] { return stop_ || !queue_.empty(); });
            batch.swap(queue_);
            stopping = stop_;
        }
        for (auto& it : batch) {
            handle(it);
        }
        if (std::chrono::steady_clock::now() >= next_flush) {
            flush_all();
            next_flush = std::chrono::steady_clock::now() + options_.flush_interval;
        }
        publish_status();
        {
            std::lock_guard lock(queue_mutex_);
            handled_ += batch.size();
            stopping = stopping && queue_.empty();
        }
        handled_ready_.notify_all();
        batch.clear();
        if (stopping) {
            break;
        }
    }
    for (auto& file : files_) {
        if (file->writer) {
            if (auto e = file->writer->close()) {
                fail(*file, file->channel, file->writer->path().string() + ": " + e.message());
            } else {
                finish(*file);
            }
        }
    }
    publish_status();
}

// ---- the writer thread's side: everything below runs on thread_ only ----------------------

void recorder::handle(item& it) {
    if (it.what == item::kind::drain) {
        flush_all();
        return;
    }
    if (it.what == item::kind::start) {
        open(it);
        return;
    }
    auto found = std::find_if(files_.begin(), files_.end(),
                              [&](const auto& f) { return f->channel == it.channel; });
    channel_file* file = found == files_.end() ? nullptr : found->get();
    if (file == nullptr || !file->writer) {
        if (it.what == item::kind::packet) {
            ++working_.packets_lost;  // no segment started, or its file failed
        }
        return;
    }
    std::error_code e;
    if (it.what == item::kind::packet) {
        e = file->writer->write(it.data, it.samples);
        if (!e) {
            ++working_.packets_written;
            ++file->writer_packets;
        }
    } else if (it.what == item::kind::gap) {
        e = file->writer->write_gap(it.samples);
    } else {  // end
        e = file->writer->close();
        if (!e) {
            finish(*file);
        }
    }
    if (e) {
        if (it.what == item::kind::packet) {
            ++working_.packets_lost;
        }
        fail(*file, it.channel, file->writer->path().string() + ": " + e.message());
    }
}

void recorder::open(const item& it) {
    auto found = std::find_if(files_.begin(), files_.end(),
                              [&](const auto& f) { return f->channel == it.channel; });
    if (found == files_.end()) {
        files_.push_back(std::make_unique<channel_file>());
        files_.back()->channel = it.channel;
        found = std::prev(files_.end());
    }
    channel_file& file = **found;
    if (file.writer) {
        if (auto e = file.writer->close()) {
            fail(file, it.channel, file.writer->path().string() + ": " + e.message());
        } else {
            finish(file);
        }
    }
    const std::string stem = file_safe(it.channel) + "_" + utc_time(it.start, '-');
    std::filesystem::path path = options_.folder / (stem + ".opus");
    std::error_code ignored;
    // A folder named in the event file that is not there yet is made (as `mkdir -p` would); one
    // that cannot be made fails below, with the reason, like any unwritable folder.
    std::filesystem::create_directories(options_.folder, ignored);
    for (int n = 2; std::filesystem::exists(path, ignored) && n < 1000; ++n) {
        path = options_.folder / (stem + "_" + std::to_string(n) + ".opus");
    }
    codec::ogg_opus_tags tags{"tolk (Opus packets as the booth sent them)",
                              {{"EVENT", options_.event},
                               {"CHANNEL", it.channel},
                               {"BOOTH", it.booth},
                               {"DATE", utc_time(it.start, ':')}}};
    try {
        file.writer.emplace(path, codec::ogg_opus_head{}, tags);
    } catch (const codec::codec_error& e) {
        fail(file, it.channel, e.what());
        return;
    }
    file.failing = false;
    file.writer_packets = 0;
    ++working_.files_opened;
    log_->info("recorder: recording channel {} to {}", it.channel, path.string());
}

void recorder::finish(channel_file& file) {
    const auto path = file.writer->path();
    const auto seconds = file.writer->granule() / 48000;
    file.writer.reset();
    if (file.writer_packets == 0) {
        std::error_code ignored;
        std::filesystem::remove(path, ignored);  // a segment without audio leaves no file
        return;
    }
    log_->info("recorder: closed {} ({} s)", path.string(), seconds);
}

void recorder::fail(channel_file& file, const std::string& channel, const std::string& what) {
    file.writer.reset();  // its destructor does not write once the writer has an error
    file.failing = true;
    working_.error = what;
    log_->error("recorder: channel {}: {}; its recording stops until its next segment", channel,
                what);
}

void recorder::flush_all() {
    for (auto& file : files_) {
        if (!file->writer) {
            continue;
        }
        if (auto e = options_.sync ? file->writer->sync() : file->writer->flush()) {
            fail(*file, file->channel, file->writer->path().string() + ": " + e.message());
        }
    }
}

void recorder::publish_status() {
    bool failing = false;
    bool recording = false;
    working_.open_files.clear();
    for (const auto& file : files_) {
        failing = failing || file->failing;
        if (file->writer) {
            recording = true;
            working_.open_files.push_back(file->writer->path());
        }
    }
    working_.state = failing     ? recorder_state::failing
                     : recording ? recorder_state::recording
                                 : recorder_state::idle;
    if (!failing) {
        working_.error.clear();
    }
    std::uint64_t dropped = 0;
    {
        std::lock_guard lock(queue_mutex_);
        dropped = dropped_;
    }
    std::lock_guard lock(status_mutex_);
    status_ = working_;
    status_.packets_dropped = dropped;
}

}  // namespace tolk::monitor
