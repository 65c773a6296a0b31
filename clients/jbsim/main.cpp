// tolk-jbsim: replays an arrival trace through a playout buffer (tolk's, speexdsp's or a fixed
// delay) and reports what a listener would get; or generates a synthetic trace.
//   tolk-jbsim --trace T.csv [--pulls P.csv] [--audio IN.wav] [--jb tolk|speex|fixed:MS] [--out OUT.wav] [--json]
//     --pulls: a device's recorded pulls (a browser's, tests/web/playout.test.mjs) replayed as made
//   tolk-jbsim --generate PROFILE --seconds S --seed N [--out T.csv|DIR/]
//     PROFILE: lan, wifi, stalls, roaming, bufferbloat, cellular, drift+PPM, drift-PPM; into a
//     directory (or without --out) the file is named PROFILE-seedN.csv

#include "clients/jbsim/harness.hpp"
#include "clients/jbsim/trace_generator.hpp"
#include "codec/wav_file.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <iostream>

namespace {

// --generate: writes the trace and prints its path.
void write_generated(const tolk::jbsim::generator_options& generate, const std::string& out_file) {
    std::filesystem::path out = out_file.empty() ? "." : out_file;
    if (std::filesystem::is_directory(out) || out_file.ends_with('/')) {
        out /= tolk::jbsim::trace_file_name(generate);
    }
    tolk::jbsim::write_trace(out, tolk::jbsim::generate_trace(generate));
    std::cout << out.string() << '\n';
}

// --trace: replays it and prints the report (as JSON with `json`).
// The delays and splices over time, for a plot: time_s,current_delay_ms,target_delay_ms,time_scale_operations.
void write_timeline(const std::string& file, const tolk::jbsim::run_report& report) {
    std::ofstream out(file);
    if (!out) {
        throw std::runtime_error("cannot write " + file);
    }
    out << "time_s,current_delay_ms,target_delay_ms,time_scale_operations\n";
    const std::int64_t start = report.timeline.empty() ? 0 : report.timeline.front().time_us;
    for (const auto& s : report.timeline) {
        out << static_cast<double>(s.time_us - start) / 1e6 << ',' << s.current_delay_ms << ',' << s.target_delay_ms << ','
            << s.time_scale_operations << '\n';
    }
}

void simulate(const std::string& trace_file, tolk::jbsim::run_options run, const std::string& audio_file,
              const std::string& pulls_file, const std::string& out_file, const std::string& timeline_file,
              bool json) {
    if (!audio_file.empty()) {
        run.audio = audio_file;
    }
    if (!pulls_file.empty()) {
        run.pulls = tolk::jbsim::read_pulls(pulls_file);
    }
    std::vector<float> output;
    const auto report = tolk::jbsim::run(tolk::jbsim::read_trace(trace_file), run,
                                         out_file.empty() ? nullptr : &output);
    if (!out_file.empty()) {
        tolk::codec::write_wav(out_file, output);
    }
    if (!timeline_file.empty()) {
        write_timeline(timeline_file, report);
    }
    const auto j = tolk::jbsim::to_json(report);
    if (json) {
        std::cout << j.dump(2) << '\n';
    } else {
        for (const auto& [key, value] : j.items()) {
            std::cout << key << ": " << value << '\n';
        }
    }
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"tolk-jbsim: measure playout buffers against arrival traces"};
    std::string trace_file, audio_file, pulls_file, out_file, timeline_file;
    tolk::jbsim::run_options run;
    tolk::jbsim::generator_options generate;
    bool json = false;
    auto* trace_opt = app.add_option("--trace", trace_file, "arrival trace CSV (seq,sent_us,arrived_us)");
    auto* gen_opt = app.add_option("--generate", generate.profile,
                                   "write a trace instead: lan, wifi, stalls, roaming, bufferbloat, "
                                   "cellular, drift+PPM, drift-PPM");
    gen_opt->excludes(trace_opt);
    app.add_option("--pulls", pulls_file,
                   "with --trace: a device's recorded pulls (now_us,samples on the trace's receiver clock), "
                   "replayed as made instead of --block-samples and --burst")->needs(trace_opt);
    app.add_option("--timeline", timeline_file,
                   "with --trace: write the delays and splices over time (CSV, every ~100 ms)")->needs(trace_opt);
    app.add_option("--audio", audio_file, "WAV to send (default: built-in speech-like signal)");
    app.add_option("--jb", run.jb,
                   "tolk[:QUANTILE] | listener|return|monitor[:QUANTILE] | speex[:MARGIN_MS] | fixed:MS")->capture_default_str();
    app.add_option("--out", out_file,
                   "output WAV (simulation); trace CSV or directory (--generate, default .)");
    app.add_option("--block-samples", run.block_samples,
                   "samples per pull (480: 10 ms, a native device; 128: a browser's render quantum)")
        ->capture_default_str()->check(CLI::Range(32, 4800));
    app.add_option("--burst", run.burst_blocks,
                   "pulls per device callback, frames handed over only between callbacks (a browser's "
                   "AudioWorklet: several quanta per callback)")
        ->capture_default_str()->check(CLI::Range(1, 64));
    app.add_option("--seconds", generate.seconds, "trace length for --generate")->capture_default_str();
    app.add_option("--seed", generate.seed, "random seed for --generate")->capture_default_str();
    app.add_flag("--json", json, "print the report as JSON");
    CLI11_PARSE(app, argc, argv);

    try {
        if (!gen_opt->empty()) {
            write_generated(generate, out_file);
            return 0;
        }
        if (trace_opt->empty()) {
            throw std::invalid_argument("need --trace TRACE.csv or --generate PROFILE");
        }
        simulate(trace_file, run, audio_file, pulls_file, out_file, timeline_file, json);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "tolk-jbsim: %s\n", e.what());
        return 1;
    }
    return 0;
}
