#include "clients/jbsim/trace.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace tolk::jbsim {

std::vector<trace_row> read_trace(const std::filesystem::path& file) {
    std::ifstream in(file);
    if (!in) {
        throw std::runtime_error("cannot open trace " + file.string());
    }
    std::vector<trace_row> rows;
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        if (line.empty() || line.starts_with("seq")) {
            continue;
        }
        std::istringstream fields(line);
        trace_row row;
        char comma1 = 0, comma2 = 0;
        if (!(fields >> row.seq >> comma1 >> row.sent_us >> comma2 >> row.arrived_us) ||
            comma1 != ',' || comma2 != ',') {
            throw std::runtime_error(file.string() + ":" + std::to_string(number) +
                                     ": expected seq,sent_us,arrived_us");
        }
        rows.push_back(row);
    }
    if (rows.empty()) {
        throw std::runtime_error(file.string() + ": no frames");
    }
    return rows;
}

std::vector<codec::recorded_pull> read_pulls(const std::filesystem::path& file) {
    std::ifstream in(file);
    if (!in) {
        throw std::runtime_error("cannot open pulls " + file.string());
    }
    std::vector<codec::recorded_pull> pulls;
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        if (line.empty() || line.starts_with("now_us")) {
            continue;
        }
        std::istringstream fields(line);
        codec::recorded_pull p;
        char comma = 0;
        if (!(fields >> p.time_us >> comma >> p.samples) || comma != ',' || p.samples < 1 || p.samples > 48000 ||
            (!pulls.empty() && p.time_us < pulls.back().time_us)) {
            throw std::runtime_error(file.string() + ":" + std::to_string(number) +
                                     ": expected now_us,samples (1..48000 samples, times in order)");
        }
        pulls.push_back(p);
    }
    if (pulls.empty()) {
        throw std::runtime_error(file.string() + ": no pulls");
    }
    return pulls;
}

void write_trace(const std::filesystem::path& file, const std::vector<trace_row>& rows) {
    std::ofstream out(file);
    if (!out) {
        throw std::runtime_error("cannot write trace " + file.string());
    }
    out << "seq,sent_us,arrived_us\n";
    for (const auto& r : rows) {
        out << r.seq << ',' << r.sent_us << ',' << r.arrived_us << '\n';
    }
}

}  // namespace tolk::jbsim
